-- What a run checked and found: each declared expectation's result (name, kind, severity, passed, failing, sample,
-- message), the summary of what it revised (rows, periods, oldest, newest, per column), and whether it was a dry run.
-- A dry run did everything and rolled back: it is in the history, and never counts as a load.
alter table runs add column expectations jsonb not null default '[]';
alter table runs add column revisions jsonb;
alter table runs add column dry_run boolean not null default false;
