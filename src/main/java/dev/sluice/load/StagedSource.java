package dev.sluice.load;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import java.util.stream.Collectors;

/** A source's temporary staging table ({@code sluice_stage_N}, dropped at commit or rollback) and its SQL names. */
record StagedSource(SourceSpec source, String table) {

    static StagedSource of(SourceSpec source, int index) {
        return new StagedSource(source, "sluice_stage_" + index);
    }

    String createStatement() {
        String columns = source.columns().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + " " + c.type().sqlType())
                .collect(Collectors.joining(", "));
        return "create temp table " + table + " (_line bigint not null, " + columns + ") on commit drop";
    }

    String copyStatement() {
        String columns = source.columns().stream().map(c -> SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        return "copy " + table + " (_line, " + columns + ") from stdin with (format binary)";
    }

    String quotedKey() {
        return source.key().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
    }

    /** The header name of a column given its SQL name, for messages that point into the file. */
    String header(String sqlName) {
        return source.column(sqlName).map(ColumnSpec::header).orElse(sqlName);
    }
}
