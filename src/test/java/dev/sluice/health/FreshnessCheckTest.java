package dev.sluice.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Freshness;
import dev.sluice.history.FeedState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict on one source, with hand-picked moments around each bound. */
class FreshnessCheckTest {
    private static final Freshness.Expected DAILY =
            new Freshness.Expected(Optional.of(Duration.ofHours(36)), Optional.of(Duration.ofDays(2)));
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    private static FreshnessCheck.Verdict judge(Optional<Instant> changed, Optional<FreshnessCheck.DataLatest> data) {
        return FreshnessCheck.judge(DAILY, changed, data, NOW);
    }

    @Test
    void nothing_known_is_fresh_not_loaded_yet() {
        assertThat(judge(Optional.empty(), Optional.empty()))
                .isEqualTo(new FreshnessCheck.Verdict(FeedState.FRESH, "not loaded yet"));
    }

    @Test
    void a_change_exactly_at_the_bound_is_fresh_and_one_second_past_it_is_late() {
        Instant bound = NOW.minus(Duration.ofHours(36));
        assertThat(judge(Optional.of(bound), Optional.empty()).state()).isEqualTo(FeedState.FRESH);
        FreshnessCheck.Verdict late = judge(Optional.of(bound.minusSeconds(1)), Optional.empty());
        assertThat(late.state()).isEqualTo(FeedState.LATE);
        assertThat(late.reason())
                .isEqualTo("content last changed 2026-03-08 23:59 UTC (36 hours ago), expected to change within 36h");
    }

    @Test
    void a_date_key_counts_whole_days_whatever_the_hour() {
        FreshnessCheck.DataLatest twoDays = FreshnessCheck.DataLatest.ofDate(LocalDate.parse("2026-03-08"));
        FreshnessCheck.DataLatest threeDays = FreshnessCheck.DataLatest.ofDate(LocalDate.parse("2026-03-07"));
        assertThat(judge(Optional.empty(), Optional.of(twoDays)))
                .isEqualTo(new FreshnessCheck.Verdict(FeedState.FRESH, "newest date 2026-03-08 (2 days behind)"));
        assertThat(judge(Optional.empty(), Optional.of(threeDays)))
                .isEqualTo(new FreshnessCheck.Verdict(
                        FeedState.LATE, "newest date 2026-03-07 (3 days behind), expected within 2d"));
    }

    @Test
    void late_by_both_says_both() {
        FreshnessCheck.Verdict both = judge(
                Optional.of(Instant.parse("2026-03-01T00:00:00Z")),
                Optional.of(FreshnessCheck.DataLatest.ofDate(LocalDate.parse("2026-02-28"))));
        assertThat(both.state()).isEqualTo(FeedState.LATE);
        assertThat(both.reason())
                .isEqualTo("content last changed 2026-03-01 00:00 UTC (9 days ago), expected to change within 36h;"
                        + " newest date 2026-02-28 (10 days behind), expected within 2d");
    }

    @Test
    void a_timestamp_key_compares_the_moment() {
        FreshnessCheck.DataLatest recent = new FreshnessCheck.DataLatest(NOW.minus(Duration.ofHours(47)), false);
        assertThat(judge(Optional.empty(), Optional.of(recent)).reason())
                .isEqualTo("newest time 2026-03-08 13:00 UTC (47 hours behind)");
    }
}
