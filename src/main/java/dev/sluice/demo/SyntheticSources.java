package dev.sluice.demo;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic files shaped exactly like the two real covid-us sources, for {@code sluice demo}:
 * {@code date,cases,deaths} like the NYT {@code us.csv} (no final newline), and
 * {@code Date,Country/Region,Province/State,Confirmed,Recovered,Deaths} like the JHU combined time series (CRLF-free,
 * final newline, quoted "Korea, South", state rows besides the national US row, recovered dropping to 0 from
 * 2020-12-14). The numbers are invented: smooth waves with weekly dips and seeded noise. They are not real figures.
 *
 * <p>Day {@code n} of the demo is the files as published on day {@code n}: one more date each day; from day 3 a
 * revision of 30 past dates of deaths; on day 4 a negative deaths value (the malformed day).
 */
public final class SyntheticSources {
    static final LocalDate FIRST_DATE = LocalDate.of(2020, 1, 21);
    static final LocalDate FIRST_DAY_LAST_DATE = LocalDate.of(2021, 12, 31);
    static final LocalDate RECOVERIES_STOP = LocalDate.of(2020, 12, 14);
    static final int MALFORMED_DAY = 4;
    static final int REVISION_DAY = 3;
    private static final long SEED = 20_200_121L;

    private final long[] newCases;
    private final long[] newDeaths;

    public SyntheticSources(int days) {
        int length = (int) ChronoUnit.DAYS.between(FIRST_DATE, FIRST_DAY_LAST_DATE) + days + 1;
        newCases = new long[length];
        newDeaths = new long[length];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int t = 0; t < length; t++) {
            double wave = 1
                    + 30_000 * bump(t, 80, 35)
                    + 70_000 * bump(t, 350, 45)
                    + 55_000 * bump(t, 560, 35)
                    + 180_000 * bump(t, 720, 20)
                    + 8_000 * bump(t, 450, 120);
            int dayOfWeek = FIRST_DATE.plusDays(t).getDayOfWeek().getValue();
            double weekly = dayOfWeek >= 6 ? 0.7 : 1.0;
            newCases[t] = Math.max(0, Math.round(wave * weekly * (0.9 + 0.2 * random.nextDouble())));
        }
        newCases[0] = 1;
        newCases[500] = -23_999; // a correction, as NYT published on 2021-06-04: cases went down
        for (int t = 0; t < length; t++) {
            long lagged = t >= 14 ? Math.max(0, newCases[t - 14]) : 0;
            double fatality = 0.04 - 0.03 * Math.min(1.0, t / 500.0);
            newDeaths[t] = Math.round(lagged * fatality * (0.8 + 0.4 * random.nextDouble()));
        }
    }

    private static double bump(int t, int center, int width) {
        double x = (t - center) / (double) width;
        return Math.exp(-x * x);
    }

    static LocalDate lastDate(int day) {
        return FIRST_DAY_LAST_DATE.plusDays(day - 1L);
    }

    /** From the revision day on, 30 dates ending 10 days before that day's last date carry a few more deaths. */
    private static long deathsRevision(int day, int t) {
        int revisionLast = (int) ChronoUnit.DAYS.between(FIRST_DATE, lastDate(REVISION_DAY));
        boolean revised = day >= REVISION_DAY && t >= revisionLast - 40 && t < revisionLast - 10;
        return revised ? (t % 3) + 1 : 0;
    }

    /** The NYT-shaped file of demo day {@code day} (1-based). */
    public byte[] nyt(int day) {
        int last = (int) ChronoUnit.DAYS.between(FIRST_DATE, lastDate(day));
        List<String> lines = new ArrayList<>();
        lines.add("date,cases,deaths");
        long cases = 0;
        long deaths = 0;
        long revision = 0;
        for (int t = 0; t <= last; t++) {
            cases += newCases[t];
            deaths += newDeaths[t];
            revision += deathsRevision(day, t);
            String shownDeaths = String.valueOf(deaths + revision);
            if (day == MALFORMED_DAY && t == last - 3) {
                shownDeaths = "-12";
            }
            lines.add(FIRST_DATE.plusDays(t) + "," + cases + "," + shownDeaths);
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    /** The JHU-shaped file of demo day {@code day}: it lags NYT by two dates and starts a day later. */
    public byte[] jhu(int day) {
        int last = (int) ChronoUnit.DAYS.between(FIRST_DATE, lastDate(day)) - 2;
        StringBuilder text = new StringBuilder("Date,Country/Region,Province/State,Confirmed,Recovered,Deaths\n");
        long cases = 0;
        long deaths = 0;
        long recovered = 0;
        for (int t = 0; t <= last; t++) {
            cases += newCases[t];
            deaths += newDeaths[t];
            recovered += t >= 14 ? Math.max(0, newCases[t - 14]) * 6 / 10 : 0;
            if (t == 0) {
                continue;
            }
            LocalDate date = FIRST_DATE.plusDays(t);
            long shownRecovered = date.isBefore(RECOVERIES_STOP) ? recovered : 0;
            text.append(date)
                    .append(",Afghanistan,,")
                    .append(cases / 900)
                    .append(',')
                    .append(recovered / 900)
                    .append(',')
                    .append(deaths / 900)
                    .append('\n');
            text.append(date)
                    .append(",\"Korea, South\",,")
                    .append(cases / 700)
                    .append(',')
                    .append(recovered / 700)
                    .append(',')
                    .append(deaths / 1400)
                    .append('\n');
            text.append(date)
                    .append(",US,,")
                    .append(cases + cases / 200)
                    .append(',')
                    .append(shownRecovered)
                    .append(',')
                    .append(deaths)
                    .append('\n');
            text.append(date)
                    .append(",US,Washington,")
                    .append(cases / 45)
                    .append(",0,")
                    .append(deaths / 60)
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
