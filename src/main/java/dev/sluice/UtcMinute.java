package dev.sluice;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** A moment as messages write it, to the minute: {@code 2026-12-02 14:11 UTC}. One format for every message. */
public final class UtcMinute {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private UtcMinute() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
