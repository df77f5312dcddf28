package dev.sluice.schedule;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline's {@code schedule} as Amazon EventBridge Scheduler writes it: sluice's six fields (second minute hour
 * day-of-month month day-of-week, Spring's syntax, Sunday 0 or 7) become EventBridge's
 * {@code cron(minute hour day-of-month month day-of-week year)} (Sunday 1, one of the two days {@code ?}), run in the
 * schedule's zone ({@code ScheduleExpressionTimezone}). What EventBridge cannot say fails, naming why: a second other
 * than 0 (it schedules by the minute), and both a day of the month and a day of the week (sluice runs when both
 * match; EventBridge has no such rule).
 *
 * @param expression {@code cron(0 19 * * ? *)}
 * @param zone       the IANA zone the expression is evaluated in
 */
public record EventBridgeSchedule(String expression, String zone) {
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    public EventBridgeSchedule {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
    }

    public static EventBridgeSchedule of(ScheduleSpec schedule) {
        String[] f = schedule.cron().trim().split("\\s+");
        if (f.length != 6) {
            throw refused(schedule, "it has " + f.length + " fields, not six");
        }
        if (!f[0].equals("0")) {
            throw refused(schedule, "EventBridge schedules by the minute: the second must be 0, not " + f[0]);
        }
        boolean anyDay = any(f[3]);
        boolean anyWeekday = any(f[5]);
        if (!anyDay && !anyWeekday) {
            throw refused(
                    schedule,
                    "it names both a day of the month and a day of the week, which EventBridge cannot combine");
        }
        String dayOfMonth = anyWeekday ? (anyDay ? "*" : f[3]) : "?";
        String dayOfWeek = anyWeekday ? "?" : weekdays(schedule, f[5]);
        return new EventBridgeSchedule(
                "cron(" + String.join(" ", f[1], f[2], dayOfMonth, f[4], dayOfWeek, "*") + ")",
                schedule.zone().getId());
    }

    private static boolean any(String field) {
        return field.equals("*") || field.equals("?");
    }

    /** Spring's day numbers (Sunday 0 or 7, Monday 1) as EventBridge's (Sunday 1, Saturday 7); names as they are. */
    private static String weekdays(ScheduleSpec schedule, String field) {
        List<String> parts = new ArrayList<>();
        for (String part : field.split(",")) {
            String[] step = part.split("/", 2);
            String range = step[0];
            if (range.contains("-") && !range.startsWith("-")) {
                String[] ends = range.split("-", 2);
                int from = dayNumber(schedule, ends[0]);
                int to = dayNumber(schedule, ends[1]);
                if (from > to) {
                    throw refused(schedule, "the weekday range " + range + " wraps around the week");
                }
                range = converted(ends[0]) + "-" + converted(ends[1]);
            } else if (!range.equals("*")) {
                range = converted(range);
            }
            parts.add(step.length == 2 ? range + "/" + step[1] : range);
        }
        return String.join(",", parts);
    }

    /** A day's position from Monday (0) to Sunday (6), for the check that a range does not wrap. */
    private static int dayNumber(ScheduleSpec schedule, String day) {
        List<String> names = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
        String upper = day.toUpperCase(Locale.ROOT);
        if (names.contains(upper)) {
            return names.indexOf(upper);
        }
        Matcher number = NUMBER.matcher(day);
        if (!number.matches()) {
            throw refused(schedule, "'" + day + "' is not a day of the week");
        }
        int n = Integer.parseInt(day);
        return n == 0 ? 6 : n - 1;
    }

    private static String converted(String day) {
        return NUMBER.matcher(day).matches() ? String.valueOf(Integer.parseInt(day) % 7 + 1) : day;
    }

    private static SluiceException refused(ScheduleSpec schedule, String why) {
        return new SluiceException(
                ErrorKind.CONFIG, "schedule '" + schedule.cron() + "' cannot run on EventBridge: " + why);
    }
}
