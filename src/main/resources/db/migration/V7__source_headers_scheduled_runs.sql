-- Each file's header as last loaded (names stripped, at most 2,000 of at most 200 characters): a column that appears
-- upstream and that the pipeline does not load is said once, by the run that first sees it.
alter table source_state add column header text[];

-- A scheduled run keeps the time it was due: a replica killed after the run committed but before the scheduler heard
-- of it leaves the execution to be taken up again, and the run is then found done rather than done twice.
alter table runs add column scheduled_for timestamptz;
create index runs_by_schedule on runs (pipeline, scheduled_for) where scheduled_for is not null;
