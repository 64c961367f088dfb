-- A verified fix that could not be published yet (the pull request host was unavailable): the
-- commit autofix keeps, and what the pull request says about it, so that a later attempt
-- publishes it without running the agent again. All null while no fix waits.
alter table runs add column fix_commit varchar(100);
alter table runs add column fix_files text[];
alter table runs add column fix_diff_stat text;
alter table runs add column fix_repository text;
alter table runs add column fix_base_ref varchar(500);
alter table runs add column fix_turns integer;
alter table runs add column fix_took_ms bigint;
alter table runs add column fix_check varchar(20);
alter table runs add column fix_check_command text;
alter table runs add column fix_check_exit integer;
alter table runs add column fix_check_took_ms bigint;
alter table runs add column fix_check_output text;
alter table runs add column publish_since timestamp with time zone;
alter table runs add column publish_tries integer;
alter table runs add column publish_failure text;
alter table runs add constraint runs_fix_check_ck
  check (fix_check is null or fix_check in ('not_configured', 'passed', 'failed'));
