-- Fix runs, their history, and the daily counter of the PostgreSQL rate limiter.
-- Kept to plain DDL: jOOQ's DDLDatabase generates the Java tables from this file.

-- One row per issue, ever: the unique key on (source, issue_id) is the de-duplication guarantee.
create table runs (
  id bigserial not null,
  source varchar(100) not null,
  issue_id varchar(200) not null,
  short_id varchar(200) not null,
  project varchar(200),
  title text not null,
  culprit text,
  level varchar(20) not null,
  permalink text,
  first_seen timestamp with time zone,
  event_count bigint not null,
  status varchar(20) not null,
  attempts integer not null,
  created_at timestamp with time zone not null,
  updated_at timestamp with time zone not null,
  started_at timestamp with time zone,
  finished_at timestamp with time zone,
  not_before timestamp with time zone,
  lease_owner varchar(200),
  lease_until timestamp with time zone,
  agent varchar(100),
  branch varchar(500),
  pull_request_url text,
  summary text,
  cost_usd numeric,
  reason text,
  constraint runs_pk primary key (id),
  constraint runs_issue_uk unique (source, issue_id),
  constraint runs_status_ck check (status in
    ('queued', 'deferred', 'running', 'pr_opened', 'no_fix', 'failed', 'cancelled')),
  constraint runs_attempts_ck check (attempts >= 0)
);

-- The claim query: runnable runs, oldest first.
create index runs_runnable_ix on runs (created_at, id) where status in ('queued', 'deferred');
-- The cap count and the recovery of expired leases.
create index runs_running_ix on runs (lease_until) where status = 'running';
-- Listing by status, newest first.
create index runs_status_ix on runs (status, id);

-- Append-only: every transition of every run, with its time and reason.
create table run_events (
  id bigserial not null,
  run_id bigint not null,
  from_status varchar(20),
  to_status varchar(20) not null,
  at timestamp with time zone not null,
  reason text,
  constraint run_events_pk primary key (id),
  constraint run_events_run_fk foreign key (run_id) references runs (id)
);

create index run_events_run_ix on run_events (run_id, id);

-- One row, locked by every claim while it counts the running runs: this serialises claims
-- across all processes that share the database, so the global cap on running runs holds.
create table claim_lock (
  id integer not null,
  constraint claim_lock_pk primary key (id),
  constraint claim_lock_one_row_ck check (id = 1)
);

insert into claim_lock (id) values (1);

-- The PostgreSQL rate limiter: permits used per limiter key and day.
create table daily_usage (
  counter varchar(100) not null,
  day date not null,
  used integer not null,
  constraint daily_usage_pk primary key (counter, day),
  constraint daily_usage_used_ck check (used >= 0)
);
