/**
 * Transform: read a downloaded CSV file in one streaming pass, check its header by name, filter, type and validate
 * every used value, and hand valid rows on. Entry point: {@link dev.sluice.transform.SourceValidator}. Problems
 * carry source, line (1-based, header = line 1), column (header name), raw value and reason.
 *
 * <p>Cross-row cleaning rules (a cumulative value that falls) need the whole series in order; they run in
 * PostgreSQL on the staged rows, in {@code load}.
 */
package dev.sluice.transform;
