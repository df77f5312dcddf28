/**
 * The command line: one class per command ({@code run}, {@code history}, {@code check}, {@code migrate}, ...),
 * each constructed by hand in {@link dev.sluice.Main} with the {@link dev.sluice.cli.Services} it needs.
 */
package dev.sluice.cli;
