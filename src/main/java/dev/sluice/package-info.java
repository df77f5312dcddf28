/**
 * sluice: a daily CSV-to-PostgreSQL ETL. {@link dev.sluice.Main} wires the object graph by hand; the packages
 * below are the pipeline's stages, named in the order a run goes through them: {@code config}, {@code extract},
 * {@code transform}, {@code load}, {@code history}, {@code notify}, composed only by {@code pipeline}.
 *
 * <p>This package holds only what every stage shares: the root exception and the kinds of error.
 */
package dev.sluice;
