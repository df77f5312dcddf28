-- sluice's own bookkeeping. Target tables are created by the pipelines, not here.

-- Every run, whatever its outcome. A run is inserted as RUNNING when it starts (so a run killed midway is
-- visible, and marked FAILED/INTERRUPTED by the next run of the pipeline), and its outcome is written in the same
-- transaction as its data.
create table runs (
    id                bigserial   primary key,
    pipeline          text        not null,
    trigger           text        not null,
    status            text        not null
        check (status in ('RUNNING', 'SUCCEEDED', 'UNCHANGED', 'FAILED', 'SKIPPED_LOCKED')),
    started_at        timestamptz not null,
    finished_at       timestamptz,
    inserted          bigint      not null default 0,
    updated           bigint      not null default 0,
    unchanged         bigint      not null default 0,
    -- {NAME: {url, rows, bytes, sha256, etag, notModified}}
    sources           jsonb       not null default '{}',
    warnings          jsonb       not null default '[]',
    -- null, or {kind, source, line, column, value, message, problems: [...]}
    error             jsonb,
    definition_sha256 text        not null,
    changes_logged    bigint      not null default 0,
    host              text
);

create index runs_by_pipeline on runs (pipeline, id desc);
create index runs_running on runs (pipeline) where status = 'RUNNING';

-- What was last loaded from each source: for conditional GET and to recognise an identical body.
create table source_state (
    pipeline      text        not null,
    source        text        not null,
    url           text        not null,
    etag          text,
    last_modified text,
    sha256        text        not null,
    bytes         bigint      not null,
    rows          bigint      not null,
    updated_at    timestamptz not null,
    primary key (pipeline, source)
);

-- Which keys a run inserted or updated, with old and new values (up to the pipeline's change_log_limit).
create table change_log (
    run_id     bigint not null references runs (id) on delete cascade,
    seq        int    not null,
    pipeline   text   not null,
    operation  text   not null check (operation in ('INSERT', 'UPDATE')),
    key        jsonb  not null,
    old_values jsonb,
    new_values jsonb  not null,
    primary key (run_id, seq)
);
