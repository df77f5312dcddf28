package dev.sluice.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One CSV file a pipeline reads.
 *
 * @param name      the source's name, a valid SQL identifier (it names the staging table)
 * @param url       {@code https:}, {@code http:} or {@code file:}
 * @param confinement for a {@code file:} URL from a pipeline file, the directories it must stay in (checked again at
 *                  each read); empty for the operator's own {@code --source}, and for http(s)
 * @param delimiter the field separator
 * @param columns   the columns loaded, in declaration order
 * @param filters   conditions every kept row meets
 * @param key       the SQL names of the columns that identify a row; unique within the source
 * @param fetch     download settings
 */
public record SourceSpec(
        String name,
        URI url,
        Optional<Confinement> confinement,
        char delimiter,
        List<ColumnSpec> columns,
        List<RowFilter> filters,
        List<String> key,
        FetchSettings fetch) {
    public SourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(confinement, "confinement");
        columns = List.copyOf(columns);
        filters = List.copyOf(filters);
        key = List.copyOf(key);
    }

    public Optional<ColumnSpec> column(String sqlName) {
        return columns.stream().filter(c -> c.name().equals(sqlName)).findFirst();
    }

    /** The same source read from another URL the operator gave, for {@code --source NAME=URL}: not confined. */
    public SourceSpec withUrl(URI otherUrl) {
        return new SourceSpec(name, otherUrl, Optional.empty(), delimiter, columns, filters, key, fetch);
    }

    /** The same source with other download settings. */
    public SourceSpec withFetch(FetchSettings other) {
        return new SourceSpec(name, url, confinement, delimiter, columns, filters, key, other);
    }
}
