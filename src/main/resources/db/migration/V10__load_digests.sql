-- A daily run that costs what changed. After each load sluice keeps, on local disk, a digest of the publication it
-- loaded (a hash of each row's typed values and its key), and here what vouches for it: the digest's id and checksum,
-- and the state of the target it left. The next run compares its publication with that digest instead of with the
-- whole table, but only when the database says nobody else wrote the table since: a local file is never trusted
-- more than the database.

-- Every write statement on a target sluice compares this way (INSERT, UPDATE, DELETE, TRUNCATE, COPY; by anyone,
-- sluice included) counts one here, in the writer's transaction: a statement trigger, enabled ALWAYS so that
-- session_replication_role = replica (pg_restore, logical replication) does not silence it, and SECURITY DEFINER so
-- that a writer without rights on schema sluice is not refused.
create table table_writes (
    table_oid oid    primary key,
    writes    bigint not null
);

create function count_table_write() returns trigger
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    insert into sluice.table_writes as w (table_oid, writes) values (TG_RELID, 1)
        on conflict (table_oid) do update set writes = w.writes + 1;
    return null;
end
$$;

-- The last load of each pipeline whose digest may be compared with: the run, the digest's id (also in the file) and
-- checksum, its rows, the source's columns it hashed, and the target as the load left it (its oid, its columns, and
-- its write count after the load's own writes).
create table load_digests (
    pipeline     text        primary key,
    run_id       bigint      not null,
    digest       uuid        not null,
    checksum     text        not null,
    rows         bigint      not null,
    columns      text        not null,
    table_oid    oid         not null,
    table_shape  text        not null,
    table_writes bigint      not null,
    keys_grouped boolean     not null,
    recorded_at  timestamptz not null default now()
);

-- How each run compared its publication with the target, and why a run that could not use the digest did not.
alter table runs add column comparison text;
