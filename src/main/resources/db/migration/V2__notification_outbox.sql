-- Notifications are written here in the same transaction that records a run's outcome, so a notification exists
-- if and only if the outcome does. A dispatcher delivers them with retries; a crash or restart loses nothing.
-- One row per (run, channel): enqueueing twice is a no-op, delivering is marked once.
create table notification_outbox (
    id              bigserial   primary key,
    run_id          bigint      not null references runs (id) on delete cascade,
    channel         text        not null,
    status          text        not null default 'PENDING'
        check (status in ('PENDING', 'DELIVERED', 'GAVE_UP')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    last_error      text,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (run_id, channel)
);

create index notification_outbox_due on notification_outbox (next_attempt_at) where status = 'PENDING';
