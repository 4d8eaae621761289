package io.shortlink.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The width of one bucket of a {@link ClickSeries}. Buckets are aligned to UTC: an hour starts
 * at minute 0, a day at midnight UTC, whatever the caller's time zone.
 */
public enum Granularity {
    MINUTE(ChronoUnit.MINUTES),
    HOUR(ChronoUnit.HOURS),
    DAY(ChronoUnit.DAYS);

    /** Longer input is cut before it is echoed in a problem's detail. */
    private static final int MAX_ECHOED = 32;

    private final ChronoUnit unit;

    Granularity(ChronoUnit unit) {
        this.unit = unit;
    }

    /**
     * Parses a query parameter: {@code minute}, {@code hour} or {@code day}, in any case.
     *
     * @throws InputRejectedException {@link InputRule#STATS_GRANULARITY_INVALID} for anything else,
     *                                {@code null} included
     */
    public static Granularity parse(String value) {
        if (value == null) {
            throw new InputRejectedException(InputRule.STATS_GRANULARITY_INVALID,
                    "granularity is missing; it is one of minute, hour, day");
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "minute" -> MINUTE;
            case "hour" -> HOUR;
            case "day" -> DAY;
            default -> throw new InputRejectedException(InputRule.STATS_GRANULARITY_INVALID,
                    "granularity must be one of minute, hour, day, was '" + echo(value) + "'");
        };
    }

    private static String echo(String value) {
        return value.length() <= MAX_ECHOED ? value : value.substring(0, MAX_ECHOED) + "...";
    }

    /** The width of one bucket: 1 minute, 1 hour or 24 hours (UTC has no daylight saving). */
    public Duration step() {
        return unit.getDuration();
    }

    /**
     * The range a series covers when the caller gives no start: an hour of minutes, a day of
     * hours, 30 days — each well within {@link ClickSeries#MAX_POINTS}, however {@code to} falls.
     */
    public Duration defaultWindow() {
        return switch (this) {
            case MINUTE -> Duration.ofHours(1);
            case HOUR -> Duration.ofHours(24);
            case DAY -> Duration.ofDays(30);
        };
    }

    /** The start of the bucket that holds {@code instant}. */
    public Instant floor(Instant instant) {
        return instant.truncatedTo(unit);
    }
}
