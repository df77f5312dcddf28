/**
 * The pipeline file: immutable records ({@link dev.sluice.config.PipelineSpec} and its parts), read and validated
 * once by {@link dev.sluice.config.PipelineFileReader}, which names the file, line and field of every problem.
 * Policies are enums ({@link dev.sluice.config.InvalidRowPolicy}, {@link dev.sluice.config.JoinType},
 * {@link dev.sluice.config.DecreasePolicy}); SQL names are validated by {@link dev.sluice.config.SqlIdentifier}.
 */
package dev.sluice.config;
