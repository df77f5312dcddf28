package dev.sluice.health;

import dev.sluice.UtcMinute;
import dev.sluice.config.Freshness;
import dev.sluice.config.Units;
import dev.sluice.history.FeedState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The verdict on one source at one moment: late when its content has not changed within {@code changes_within}, or
 * when the newest value of the target's time key is further behind the run's date than {@code data_within}. A date
 * key is compared in whole days with the run's date in UTC (yesterday's data is one day behind, whatever the hour);
 * a timestamp key with the moment itself. A signal not known yet (never loaded) judges nothing.
 */
final class FreshnessCheck {

    /** The state and why, in words. */
    record Verdict(FeedState state, String reason) {}

    /** The newest value of the time key: a date, or a moment. */
    record DataLatest(Instant value, boolean date) {
        static DataLatest ofDate(LocalDate date) {
            return new DataLatest(date.atStartOfDay(ZoneOffset.UTC).toInstant(), true);
        }

        String describe() {
            return date
                    ? "newest date " + value.atOffset(ZoneOffset.UTC).toLocalDate()
                    : "newest time " + UtcMinute.format(value);
        }
    }

    private FreshnessCheck() {}

    static Verdict judge(
            Freshness.Expected expected, Optional<Instant> lastChanged, Optional<DataLatest> dataLatest, Instant now) {
        List<String> late = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        if (expected.changesWithin().isPresent() && lastChanged.isPresent()) {
            Duration within = expected.changesWithin().get();
            Duration age = Duration.between(lastChanged.get(), now);
            String text = "content last changed " + UtcMinute.format(lastChanged.get()) + " (" + age(age) + " ago)";
            if (age.compareTo(within) > 0) {
                late.add(text + ", expected to change within " + Units.format(within));
            } else {
                fine.add(text);
            }
        }
        if (expected.dataWithin().isPresent() && dataLatest.isPresent()) {
            Duration within = expected.dataWithin().get();
            DataLatest latest = dataLatest.get();
            Duration behind = latest.date()
                    ? Duration.ofDays(ChronoUnit.DAYS.between(
                            latest.value().atOffset(ZoneOffset.UTC).toLocalDate(),
                            now.atOffset(ZoneOffset.UTC).toLocalDate()))
                    : Duration.between(latest.value(), now);
            String text = latest.describe() + " (" + (latest.date() ? days(behind.toDays()) : age(behind)) + " behind)";
            if (behind.compareTo(within) > 0) {
                late.add(text + ", expected within " + Units.format(within));
            } else {
                fine.add(text);
            }
        }
        if (!late.isEmpty()) {
            return new Verdict(FeedState.LATE, String.join("; ", late));
        }
        return new Verdict(FeedState.FRESH, fine.isEmpty() ? "not loaded yet" : String.join("; ", fine));
    }

    private static String days(long days) {
        return String.format(Locale.ROOT, days == 1 ? "%,d day" : "%,d days", days);
    }

    /** {@code 3 days}, {@code 5 hours}, {@code 12 minutes}: the largest whole unit, as people say it. */
    static String age(Duration age) {
        Duration positive = age.isNegative() ? Duration.ZERO : age;
        if (positive.toDays() >= 2) {
            return String.format(Locale.ROOT, "%,d days", positive.toDays());
        }
        if (positive.toHours() >= 2) {
            return positive.toHours() + " hours";
        }
        return positive.toMinutes() + (positive.toMinutes() == 1 ? " minute" : " minutes");
    }
}
