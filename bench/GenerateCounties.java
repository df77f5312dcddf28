import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes deterministic county-level files shaped like the NYT us-counties.csv: date,county,state,fips,cases,deaths,
 * 3,200 counties, one row per county per day from 2020-01-21, sorted by date then county, names with commas quoted.
 * The same arguments always give the same bytes.
 *
 *   java bench/GenerateCounties.java ROWS DIR
 *
 * writes DIR/counties-ROWS.csv (the base file), DIR/counties-ROWS-reserialised.csv (the same values written
 * differently: CRLF, every field quoted, integers as 123.0, so the sha256 differs but no row does) and
 * DIR/counties-ROWS-nextday.csv (about 1% of the historical rows revised, and one more day appended),
 * DIR/counties-ROWS-nextday-withdrawn.csv (the same without 1% of its keys: what a mirror deletes), and
 * DIR/counties-ROWS-revise10.csv and -revise50.csv (the next day with 10% and 50% of the historical rows revised:
 * the rows of the next day's 1% are revised alike, so each revises 9% and 40% more of the rows than the one before).
 */
public class GenerateCounties {
    static final int COUNTIES = 3_200;
    static final LocalDate FIRST = LocalDate.of(2020, 1, 21);
    static final String[] STATES = {
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "West Virginia",
        "Wisconsin",
        "Wyoming"
    };
    static final String[] NAMES = {
        "Adams",
        "Baker",
        "Clark",
        "Douglas",
        "Franklin",
        "Grant",
        "Harrison",
        "Jackson",
        "Jefferson",
        "Lincoln",
        "Madison",
        "Marion",
        "Monroe",
        "Morgan",
        "Polk",
        "Union",
        "Warren",
        "Washington",
        "Wayne",
        "Hamilton",
        "Greene",
        "Lake",
        "Lee",
        "Clay",
        "Marshall",
        "Johnson",
        "Montgomery",
        "Carroll"
    };

    record County(String name, String state, String fips) {}

    static County county(int i) {
        String name = NAMES[i % NAMES.length] + (i >= NAMES.length ? " " + (i / NAMES.length) : "");
        // Some names carry a comma, as "Anchorage, Municipality of" does: they must be quoted.
        if (i % 97 == 0) {
            name = name + ", City and Borough";
        }
        return new County(name, STATES[i % STATES.length], String.format("%05d", 1001 + i * 3));
    }

    /** Cumulative cases and deaths of county {@code c} on day {@code d}: deterministic, non-decreasing. */
    static long[] counts(int c, int d, long[] previous, SplittableRandom random) {
        long newCases = d < 40 ? (random.nextInt(100) < 3 ? 1 : 0) : random.nextInt(1 + (c % 50) * 3);
        long cases = previous[0] + newCases;
        long deaths = previous[1] + (newCases > 0 && random.nextInt(100) < 2 ? 1 : 0);
        return new long[] {cases, deaths};
    }

    /** Which percentile of the historical rows a row is in: a row is revised when this is below the percentage. */
    static long revisionSlot(int d, int c) {
        return Math.floorMod((long) d * 31 + c * 17, 100);
    }

    interface RowWriter {
        void write(Writer out, LocalDate date, County county, long cases, long deaths) throws IOException;
    }

    static String quoted(String field) {
        return field.indexOf(',') >= 0 ? '"' + field + '"' : field;
    }

    /** @param revise the percentage of historical rows revised: those whose {@link #revisionSlot} is below it */
    static void write(Path file, int days, int extraDays, int revise, String header, RowWriter rows)
            throws IOException {
        long[][] state = new long[COUNTIES][2];
        SplittableRandom random = new SplittableRandom(20_200_121L);
        try (Writer out = new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            out.write(header);
            for (int d = 0; d < days + extraDays; d++) {
                LocalDate date = FIRST.plusDays(d);
                for (int c = 0; c < COUNTIES; c++) {
                    state[c] = counts(c, d, state[c], random);
                    long cases = state[c][0];
                    // Historical rows revised upward (never down: a revision here is a late report).
                    if (d < days && revisionSlot(d, c) < revise) {
                        cases += 1 + (c % 5);
                    }
                    rows.write(out, date, county(c), cases, state[c][1]);
                }
            }
        }
    }

    public static void main(String[] args) throws IOException {
        long rows = Long.parseLong(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        int days = (int) ((rows + COUNTIES - 1) / COUNTIES);
        String base = "counties-" + rows;
        RowWriter plain = (out, date, c, cases, deaths) -> out.write(
                date + "," + quoted(c.name()) + "," + c.state() + "," + c.fips() + "," + cases + "," + deaths + "\n");
        write(dir.resolve(base + ".csv"), days, 0, 0, "date,county,state,fips,cases,deaths\n", plain);
        write(
                dir.resolve(base + "-reserialised.csv"),
                days,
                0,
                0,
                "\"date\",\"county\",\"state\",\"fips\",\"cases\",\"deaths\"\r\n",
                (out, date, c, cases, deaths) -> out.write("\"" + date + "\",\"" + c.name() + "\",\"" + c.state()
                        + "\",\"" + c.fips() + "\"," + cases + ".0," + deaths + ".0\r\n"));
        write(dir.resolve(base + "-nextday.csv"), days, 1, 1, "date,county,state,fips,cases,deaths\n", plain);
        write(dir.resolve(base + "-revise10.csv"), days, 1, 10, "date,county,state,fips,cases,deaths\n", plain);
        write(dir.resolve(base + "-revise50.csv"), days, 1, 50, "date,county,state,fips,cases,deaths\n", plain);
        // The next day of a mirror: the same file without 1% of its keys (a county-day in a hundred withdrawn).
        write(
                dir.resolve(base + "-nextday-withdrawn.csv"),
                days,
                1,
                1,
                "date,county,state,fips,cases,deaths\n",
                (out, date, c, cases, deaths) -> {
                    if (Math.floorMod(date.toEpochDay() * 7 + Integer.parseInt(c.fips()) * 13, 100) != 0) {
                        plain.write(out, date, c, cases, deaths);
                    }
                });
        System.out.printf("%s: %d days x %d counties = %d rows%n", base, days, COUNTIES, (long) days * COUNTIES);
    }
}
