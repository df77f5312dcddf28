package dev.sluice.extract;

/**
 * One file of a source, to read: its label and its body (unpacked CSV text; see {@link SourceBody}).
 *
 * @param label how messages name the file among the source's; null for a source of one file
 */
public record SourceFile(String label, SourceBody body) {}
