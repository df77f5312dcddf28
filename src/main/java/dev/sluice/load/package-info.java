/**
 * Load: everything that writes the target, in one transaction. Entry point: {@link dev.sluice.load.TargetLoader}.
 * Rows are streamed with binary COPY into temporary staging tables ({@link dev.sluice.load.StagingWriter}); keys
 * are checked and cumulative-series cleaning rules applied in SQL; the sources are joined and only new or changed
 * rows written, with exact counts and a change log. {@link dev.sluice.load.RunLock} keeps one run per pipeline.
 */
package dev.sluice.load;
