package dev.sluice.load;

import dev.sluice.config.Provenance;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL that sets a target's provenance columns on the rows a run writes: the run's start, its id, and the file
 * each row was read from (found from the row's staged {@code _line}, which holds its file's index, among the first
 * source's files). Empty strings when the target has none, so the writes read the same either way.
 */
final class ProvenanceColumns {
    /** The column sluice's temporary tables carry a row's {@code _line} in, beside the table's own. */
    static final String LINE = "_sluice_line";

    private final Set<Provenance> declared;
    private final long runId;
    private final Instant started;
    private final List<String> files;

    /**
     * @param skip  a provenance column the mode writes itself (an append table's {@code run_id})
     * @param files the first source's files as the run names them, in the order their rows were staged
     */
    ProvenanceColumns(TargetSpec target, long runId, Instant started, List<String> files, Provenance... skip) {
        Set<Provenance> columns = new java.util.HashSet<>(target.provenance());
        List.of(skip).forEach(columns::remove);
        this.declared = Set.copyOf(columns);
        this.runId = runId;
        this.started = started;
        this.files = List.copyOf(files);
    }

    /** Whether rows must carry their {@code _line} to the write: the source file is asked for. */
    boolean needsLine() {
        return declared.contains(Provenance.SOURCE_FILE);
    }

    /** {@code , alias._line as _sluice_line} when the line is needed. */
    String carryLine(String line) {
        return needsLine() ? ", " + line + " as " + LINE : "";
    }

    /** {@code , loaded_at, run_id, source_file}: the columns, to follow an insert's list. */
    String columns() {
        return ordered().stream()
                .map(p -> ", " + SqlIdentifier.quote(p.column()))
                .collect(Collectors.joining());
    }

    /** The values of {@link #columns}, for rows whose line is {@code line}. */
    String values(String line) {
        return ordered().stream().map(p -> ", " + value(p, line)).collect(Collectors.joining());
    }

    /** {@code , loaded_at = ..., run_id = ...}: to follow an update's assignments. */
    String assignments(String line) {
        return ordered().stream()
                .map(p -> ", " + SqlIdentifier.quote(p.column()) + " = " + value(p, line))
                .collect(Collectors.joining());
    }

    private List<Provenance> ordered() {
        return List.of(Provenance.values()).stream().filter(declared::contains).toList();
    }

    private String value(Provenance column, String line) {
        return switch (column) {
            case LOADED_AT -> "'" + started + "'::timestamptz";
            case RUN_ID -> Long.toString(runId);
            case SOURCE_FILE ->
                files.isEmpty()
                        ? "null::text"
                        : "(array["
                                + files.stream().map(ProvenanceColumns::literal).collect(Collectors.joining(", "))
                                + "]::text[])[" + RowPositions.fileOf(line) + " + 1]";
        };
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
