-- Each agent attempt keeps its own cost, in the history entry of the transition that ended it: a
-- retry adds an entry and overwrites none, so a run's cost and a day's are sums over attempts.
-- Cost in US dollars is the agent's own report (Claude Code) or its tokens at the configured
-- prices (Codex); null when unknown. The agent is set on every entry an attempt ended.
alter table run_events add column attempt_agent text;
alter table run_events add column attempt_cost_usd numeric;
alter table run_events add column attempt_input_tokens bigint;
alter table run_events add column attempt_output_tokens bigint;
create index run_events_attempt_at_idx on run_events (at) where attempt_agent is not null;
