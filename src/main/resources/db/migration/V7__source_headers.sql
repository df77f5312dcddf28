-- Each file's header as last loaded (names stripped, at most 2,000 of at most 200 characters): a column that appears
-- upstream and that the pipeline does not load is said once, by the run that first sees it.
alter table source_state add column header text[];
