package dev.sluice.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Computes the expected covid_us_daily table independently of sluice's code: PostgreSQL's own CSV parser reads the
 * raw files into text columns, and hand-written SQL applies the rules (national US rows, left join on
 * date, recovered below an earlier maximum becomes NULL). The result is a table to compare with {@code EXCEPT}.
 */
public final class ExpectedCovidTable {
    private ExpectedCovidTable() {}

    /** Creates table {@code name} with columns (date, cases, deaths, recovered) computed from the two files. */
    public static void create(Connection connection, String name, Path nyt, Path jhu) throws SQLException, IOException {
        String rawNyt = name + "_raw_nyt";
        String rawJhu = name + "_raw_jhu";
        loadRaw(connection, rawNyt, nyt);
        loadRaw(connection, rawJhu, jhu);
        try (Statement st = connection.createStatement()) {
            st.execute("create table " + name + " as "
                    + "with jhu as (select \"Date\"::date as date, nullif(\"Recovered\", '')::numeric::bigint as r"
                    + "             from " + rawJhu + " where \"Country/Region\" = 'US'"
                    + "             and coalesce(\"Province/State\", '') = ''),"
                    + " cleaned as (select date, case when r < max(r) over (order by date rows between unbounded"
                    + "             preceding and 1 preceding) then null else r end as recovered from jhu)"
                    + " select n.date::date as date, n.cases::numeric::bigint as cases,"
                    + "        n.deaths::numeric::bigint as deaths, c.recovered"
                    + " from " + rawNyt + " n left join cleaned c on c.date = n.date::date");
        }
    }

    /** A text table with the file's own header as column names, filled by COPY ... CSV HEADER. */
    private static void loadRaw(Connection connection, String table, Path file) throws SQLException, IOException {
        String header;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            header = lines.findFirst().orElseThrow().strip();
        }
        List<String> columns = new ArrayList<>();
        Arrays.stream(header.split(",")).forEach(h -> columns.add("\"" + h.strip() + "\" text"));
        try (Statement st = connection.createStatement()) {
            st.execute("create table " + table + " (" + String.join(", ", columns) + ")");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy " + table + " from stdin with (format csv, header true)", reader);
        }
    }
}
