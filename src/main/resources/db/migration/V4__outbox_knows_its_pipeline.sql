-- The outbox names each notification's pipeline itself, so that delivering a pipeline's notifications (and counting
-- its backlog) reads the outbox alone, never the runs table, which belongs to the run history.
alter table notification_outbox add column pipeline text;

update notification_outbox o set pipeline = r.pipeline from runs r where r.id = o.run_id;

alter table notification_outbox alter column pipeline set not null;

create index notification_outbox_pending on notification_outbox (pipeline, next_attempt_at) where status = 'PENDING';
