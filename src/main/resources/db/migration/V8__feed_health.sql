-- Feed health. Each file remembers when its content last changed (a new sha256), not only when it was last seen:
-- a feed that stopped publishing is then told from a quiet one. Files known before this version take the time they
-- were last seen, the best that is known of them.
alter table source_state add column changed_at timestamptz;
update source_state set changed_at = updated_at;
alter table source_state alter column changed_at set not null;

-- Each expected source's state: FRESH or LATE, since when, why, and the signals it was judged on (when its content
-- last changed, the newest value of the target's time key). One row per source; a transition rewrites it and adds
-- an event, in one transaction.
create table feed_health (
    pipeline        text        not null,
    source          text        not null,
    state           text        not null check (state in ('FRESH', 'LATE')),
    since           timestamptz not null,
    reason          text        not null,
    last_changed_at timestamptz,
    data_latest     timestamptz,
    evaluated_at    timestamptz not null,
    primary key (pipeline, source)
);

-- Every transition (late, recovered): what is notified, once, through the outbox.
create table feed_events (
    id         bigserial   primary key,
    pipeline   text        not null,
    source     text        not null,
    state      text        not null check (state in ('FRESH', 'LATE')),
    at         timestamptz not null,
    reason     text        not null,
    late_since timestamptz
);

create index feed_events_by_pipeline on feed_events (pipeline, id desc);

-- A notification is of a run or of a feed's transition, never both.
alter table notification_outbox alter column run_id drop not null;
alter table notification_outbox add column event_id bigint references feed_events (id) on delete cascade;
alter table notification_outbox add constraint notification_outbox_one_subject
    check (num_nonnulls(run_id, event_id) = 1);
alter table notification_outbox add constraint notification_outbox_event_channel unique (event_id, channel);
