-- A source may be several files (a list, a glob, one file per day): each file keeps its own ETag and sha256, so
-- that only the files that changed are downloaded again. A source of one file keeps one row, as before.
alter table source_state drop constraint source_state_pkey;
alter table source_state add primary key (pipeline, source, url);
