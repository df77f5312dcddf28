package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The revision line a notification carries. */
class RevisionsTest {
    @Test
    void the_line_names_the_span_and_the_largest_change_of_any_column() {
        Revisions revisions = new Revisions(
                30,
                30,
                "dates",
                "2020-03-14",
                "2020-04-12",
                List.of(
                        new Revisions.Column("cases", 30, OptionalDouble.of(0.004), Optional.of("2020-03-20")),
                        new Revisions.Column("deaths", 12, OptionalDouble.of(-0.021), Optional.of("2020-04-01")),
                        new Revisions.Column("note", 3, OptionalDouble.empty(), Optional.empty())));
        assertThat(revisions.describe())
                .isEqualTo("30 past dates revised (2020-03-14 to 2020-04-12), largest change -2.1% in deaths at"
                        + " 2020-04-01");
    }

    @Test
    void one_revised_key_and_a_tiny_change_keep_their_digits() {
        Revisions revisions = new Revisions(
                1,
                1,
                "rows",
                "7",
                "7",
                List.of(new Revisions.Column("v", 1, OptionalDouble.of(0.00048), Optional.of("7"))));
        assertThat(revisions.describe()).isEqualTo("1 past rows revised (7), largest change +0.048% in v at 7");
        assertThat(Revisions.percent(0.5)).isEqualTo("+50.0%");
        assertThat(Revisions.percent(-0.0000123)).isEqualTo("-0.0012%");
    }
}
