-- db-scheduler's table: one row per scheduled execution. Its optimistic locking (version) is what makes each
-- scheduled run execute exactly once when several sluice serve replicas share the database.
create table scheduled_tasks (
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    state                text,
    primary key (task_name, task_instance)
);

create index scheduled_tasks_execution_time on scheduled_tasks (execution_time);
create index scheduled_tasks_last_heartbeat on scheduled_tasks (last_heartbeat);
create index scheduled_tasks_priority_execution_time on scheduled_tasks (priority desc, execution_time asc);

-- The dashboard's role: it can read sluice's tables and the targets, and nothing else. Its transactions are
-- read-only by default too, so even a privilege granted by mistake cannot be used to write. Roles belong to the
-- cluster, not the database: created once, granted in every database that sluice migrates. A user without the
-- right to create roles gets a notice, and `sluice serve` then says what to do.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'sluice_reader') then
        if not exists (select 1 from pg_roles where rolname = current_user and (rolsuper or rolcreaterole)) then
            raise notice 'sluice: cannot create role sluice_reader (needs CREATEROLE); the dashboard needs it';
            return;
        end if;
        create role sluice_reader login nosuperuser nocreatedb nocreaterole noinherit;
        alter role sluice_reader set default_transaction_read_only = on;
    end if;
    execute format('grant connect on database %I to sluice_reader', current_database());
    grant usage on schema sluice to sluice_reader;
    grant select on all tables in schema sluice to sluice_reader;
    alter default privileges in schema sluice grant select on tables to sluice_reader;
    grant usage on schema public to sluice_reader;
end
$$;
