package dev.sluice.config;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A declared expectation of the table a publication leaves: checked on it, inside the run's transaction, before the
 * commit, so a wrong publication never reaches readers. One that fails with {@link Severity#FAIL} rolls the run back
 * and fails it (naming a few failing rows); with {@link Severity#WARN} the run commits and says so. Every result is
 * recorded with the run.
 *
 * @param name     unique among the pipeline's expectations; names it in messages, records and metrics
 * @param severity what a failure does
 * @param check    what is expected
 */
public record Expectation(String name, Severity severity, Check check) {
    public Expectation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
    }

    /** What a failed expectation does to the run. */
    public enum Severity {
        /** Roll back and fail the run, notified with the failing rows. */
        FAIL,
        /** Commit, with a warning. */
        WARN
    }

    /** The calendar steps of {@code no_gaps}. */
    public enum Period {
        DAY,
        WEEK,
        MONTH,
        QUARTER,
        YEAR
    }

    /** What is expected; the rows readers will see are the table's current ones. */
    public sealed interface Check
            permits AcceptedValues, Pattern, Unique, MaxNullShare, NoGaps, MaxRevised, RowsPerPeriod, Sql {
        /** The field of the pipeline file that declares it: {@code accepted_values}, {@code sql}, ... */
        String kind();
    }

    /** Every non-null value of the column is one of these (compared as text). */
    public record AcceptedValues(String column, List<String> values) implements Check {
        public AcceptedValues {
            values = List.copyOf(values);
        }

        @Override
        public String kind() {
            return "accepted_values";
        }
    }

    /** Every non-null value of the column, as text, matches this PostgreSQL regular expression. */
    public record Pattern(String column, String regex) implements Check {
        @Override
        public String kind() {
            return "pattern";
        }
    }

    /** No non-null value of the column appears twice. */
    public record Unique(String column) implements Check {
        @Override
        public String kind() {
            return "unique";
        }
    }

    /** At most this share (or count) of the rows has no value in the column. */
    public record MaxNullShare(String column, Limit limit) implements Check {
        @Override
        public String kind() {
            return "max_null_share";
        }
    }

    /** Each series (a value of the rest of the key) has every period between its first and its last. */
    public record NoGaps(Period period) implements Check {
        @Override
        public String kind() {
            return "no_gaps";
        }
    }

    /** A run rewrites at most this many (or this share) of the rows the table had. */
    public record MaxRevised(Limit limit) implements Check {
        @Override
        public String kind() {
            return "max_revised";
        }
    }

    /** The newest period (the latest value of the time key) holds between min and max rows. */
    public record RowsPerPeriod(OptionalLong min, OptionalLong max) implements Check {
        @Override
        public String kind() {
            return "rows_per_period";
        }
    }

    /**
     * A query that must return no rows; {@code {table}} stands for the table as readers will see it after the
     * commit, {@code {changes}} for the run's logged changes ({@code operation, key, old_values, new_values}).
     */
    public record Sql(String query) implements Check {
        @Override
        public String kind() {
            return "sql";
        }
    }
}
