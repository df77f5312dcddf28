package dev.sluice.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the dashboard shows a pipeline's target table. Without a {@code dashboard:} section a pipeline gets the
 * generic view: every numeric column over the time key, one series per value of the rest of the key.
 *
 * @param title      the heading
 * @param banner     a notice shown above everything (the demo marks its data as synthetic)
 * @param cumulative columns charted as they are (running totals), on a log or linear axis
 * @param daily      columns charted as daily differences with a 7-day average
 * @param ratios     derived series {@code numerator / denominator}
 * @param credits    sources and licences, shown on the page
 * @param aggregate  how the series of a key with more than a date are combined: not at all (one series per
 *                   country, say), or summed into one (county case counts into national ones)
 * @param units      the unit of a charted column ({@code rate: "%"}), shown beside its name
 */
public record DashboardSpec(
        String title,
        Optional<String> banner,
        List<String> cumulative,
        List<String> daily,
        List<Ratio> ratios,
        List<Credit> credits,
        Aggregate aggregate,
        Map<String, String> units) {

    /** Whether the series of the rest of the key are combined. */
    public enum Aggregate {
        /** One series per value of the rest of the key: exchange rates, prices, anything not additive. */
        NONE,
        /** The sum over the rest of the key: counts that add up (cases per county into a country's). */
        SUM
    }

    /** A ratio of two columns, shown as a percentage. */
    public record Ratio(String name, String label, String numerator, String denominator) {}

    /** Where the data comes from and under which licence. */
    public record Credit(String text, String url, String licence) {}

    public DashboardSpec {
        cumulative = List.copyOf(cumulative);
        daily = List.copyOf(daily);
        ratios = List.copyOf(ratios);
        credits = List.copyOf(credits);
        java.util.Objects.requireNonNull(aggregate, "aggregate");
        units = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(units));
    }

    /** The same view with a banner, for data that must be labelled (the demo's synthetic files). */
    public DashboardSpec withBanner(String text) {
        return new DashboardSpec(title, Optional.of(text), cumulative, daily, ratios, credits, aggregate, units);
    }
}
