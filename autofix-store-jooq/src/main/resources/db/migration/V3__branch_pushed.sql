-- The branch publishing mode (AUTOFIX_PUBLISH=branch) ends a run in its own status: the verified
-- branch was pushed and no pull request opened. pull_request_url then holds the compare page, if
-- the host has one.
alter table runs drop constraint runs_status_ck;
alter table runs add constraint runs_status_ck check (status in
  ('queued', 'deferred', 'running', 'pr_opened', 'branch_pushed', 'no_fix', 'failed', 'cancelled'));
