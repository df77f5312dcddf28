package dev.sluice.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One source a pipeline reads: one CSV file, or several with one schema whose rows are one source.
 *
 * @param name     the source's name, a valid SQL identifier (it names the staging table)
 * @param location where its files are
 * @param format   how its files are written
 * @param columns  the columns loaded, in declaration order
 * @param filters  conditions every kept row meets
 * @param key      the SQL names of the columns that identify a row; unique within the source (empty for an
 *                 append or replace table's rows, which need none)
 * @param duplicates what a row that repeats an earlier row's key is
 * @param fetch    download settings, for each file
 * @param credentials the headers an HTTP source sends its own origin ({@code headers:}, {@code auth:}), an SFTP
 *                 source's login and pinned host key ({@code sftp:}); {@link HttpCredentials#NONE} for others
 */
public record SourceSpec(
        String name,
        SourceLocation location,
        CsvFormat format,
        List<ColumnSpec> columns,
        List<RowFilter> filters,
        List<String> key,
        DuplicateKeyPolicy duplicates,
        FetchSettings fetch,
        SourceCredentials credentials) {
    public SourceSpec {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(duplicates, "duplicates");
        Objects.requireNonNull(fetch, "fetch");
        columns = List.copyOf(columns);
        filters = List.copyOf(filters);
        key = List.copyOf(key);
    }

    public Optional<ColumnSpec> column(String sqlName) {
        return columns.stream().filter(c -> c.name().equals(sqlName)).findFirst();
    }

    /** The same source read from one URL the operator gave, for {@code --source NAME=URL}: not confined. */
    public SourceSpec withUrl(URI otherUrl) {
        return new SourceSpec(
                name,
                new SourceLocation.Single(otherUrl, Optional.empty()),
                format,
                columns,
                filters,
                key,
                duplicates,
                fetch,
                credentials);
    }

    /** The same source with other download settings. */
    public SourceSpec withFetch(FetchSettings other) {
        return new SourceSpec(name, location, format, columns, filters, key, duplicates, other, credentials);
    }

    /** The same source sending other headers (tests). */
    public SourceSpec withCredentials(SourceCredentials other) {
        return new SourceSpec(name, location, format, columns, filters, key, duplicates, fetch, other);
    }

    /** The same source written in another format (tests, and {@code sluice init}). */
    public SourceSpec withFormat(CsvFormat other) {
        return new SourceSpec(name, location, other, columns, filters, key, duplicates, fetch, credentials);
    }
}
