/**
 * Load: everything that writes the target, in one transaction. Entry point: {@link dev.sluice.load.TargetLoader#begin},
 * which creates or checks the target and chooses once how rows reach it (a {@link dev.sluice.load.LoadPlan}: copied
 * straight into a new or empty target, or staged and merged). Rows stream in with binary COPY; keys are checked in
 * one place ({@link dev.sluice.load.KeyCheck}); cumulative-series cleaning rules run in SQL; the sources are joined
 * and only new or changed rows written, with exact counts and a change log. {@link dev.sluice.load.RunLock} keeps one
 * run per pipeline.
 */
package dev.sluice.load;
