package io.shortlink.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Clicks on one link within one minute: the unit a ledger adds to its per-minute rollups.
 *
 * @param code        the link
 * @param epochMinute the minute, as whole minutes since 1970-01-01T00:00Z (UTC)
 * @param clicks      how many, at least 1
 */
public record ClickCount(ShortCode code, long epochMinute, long clicks) implements Comparable<ClickCount> {

    public ClickCount {
        Objects.requireNonNull(code, "code");
        if (clicks < 1) {
            throw new IllegalArgumentException("clicks must be at least 1, was " + clicks);
        }
    }

    /** The minute {@code at} falls in, as whole minutes since the epoch (floor, also before 1970). */
    public static long epochMinute(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 60);
    }

    /**
     * The first whole minute that starts at or after {@code at}, as whole minutes since the
     * epoch: the range rule of {@link ClickStats} readers, where a minute belongs to
     * {@code [from, to)} iff its start does (rollups cannot split a minute).
     */
    public static long firstMinuteAtOrAfter(Instant at) {
        return Math.ceilDiv(at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0), 60);
    }

    /** The first instant of this count's minute. */
    public Instant minute() {
        return Instant.ofEpochSecond(epochMinute * 60);
    }

    /**
     * By code, then minute: the order in which a ledger writes rows, so that two writers sharing a
     * database lock rows in the same order and cannot deadlock each other.
     */
    @Override
    public int compareTo(ClickCount other) {
        int byCode = code.compareTo(other.code);
        return byCode != 0 ? byCode : Long.compare(epochMinute, other.epochMinute);
    }
}
