-- Load modes: mirror, replace and history delete (or close) keys a publication no longer has, counted per run.
alter table runs add column deleted bigint not null default 0;

-- invalid_rows: quarantine keeps each invalid row of a run: where it is, the first problem, and the row as read.
-- Written in the run's transaction (a failed run keeps none), pruned to the pipeline's quarantine_runs latest runs.
create table rejected_rows (
    run_id      bigint not null references runs (id) on delete cascade,
    pipeline    text   not null,
    source      text   not null,
    file        text,
    line        bigint not null,
    column_name text,
    value       text,
    reason      text   not null,
    raw_line    text   not null
);

create index rejected_rows_by_run on rejected_rows (run_id, source, file, line);

-- mode: append adds each publication once: the sha256 of every file appended, and the run that appended it.
create table appended_files (
    pipeline text        not null,
    source   text        not null,
    sha256   text        not null,
    run_id   bigint      not null,
    at       timestamptz not null,
    primary key (pipeline, source, sha256)
);

-- Mirror, replace and history log the keys they delete or close: old values, no new ones.
alter table change_log drop constraint change_log_operation_check;
alter table change_log add constraint change_log_operation_check check (operation in ('INSERT', 'UPDATE', 'DELETE'));
alter table change_log alter column new_values drop not null;
