/**
 * Describes sluice's tables to the tools around it, from the pipeline files alone: dbt's {@code sources.yml}
 * ({@link dev.sluice.catalog.DbtSources}).
 */
package dev.sluice.catalog;
