package io.shortlink.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Clicks of one link over a half-open range {@code [from, to)}, in zero-filled buckets of one
 * {@link Granularity}, built from the ledger's per-minute rollups. Immutable.
 *
 * <p>Buckets are aligned to UTC: the first starts at {@code granularity.floor(from)}, the last is
 * the one that holds {@code to} minus one nanosecond, and every bucket in between is present,
 * with 0 where nothing was counted. A minute row counts when its minute starts inside
 * {@code [from, to)}: rollups cannot split a minute, so a range that starts or ends mid-minute
 * takes the minute that starts inside it and leaves the one that starts before it.
 *
 * <pre>{@code
 * ClickSeries series = ClickSeries.of(from, to, Granularity.parse("hour"), rollups);
 * series.points();   // [Point[ts=...T10:00:00Z, clicks=42], Point[ts=...T11:00:00Z, clicks=0], ...]
 * }</pre>
 */
public final class ClickSeries {
    /** The most buckets one series may hold: a day of minutes, two months of hours. */
    public static final int MAX_POINTS = 1_440;

    private final Instant from;
    private final Instant to;
    private final Granularity granularity;
    private final List<Point> points;
    private final long total;

    private ClickSeries(Instant from, Instant to, Granularity granularity, List<Point> points, long total) {
        this.from = from;
        this.to = to;
        this.granularity = granularity;
        this.points = points;
        this.total = total;
    }

    /**
     * Buckets {@code counts} over {@code [from, to)}. Rows outside the range are ignored; rows
     * for the same minute add up.
     *
     * @throws InputRejectedException {@link InputRule#STATS_RANGE_INVALID} if {@code from} is not
     *                                before {@code to}; {@link InputRule#STATS_TOO_MANY_POINTS} if
     *                                the range holds more than {@link #MAX_POINTS} buckets
     */
    public static ClickSeries of(Instant from, Instant to, Granularity granularity, List<MinuteCount> counts) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(counts, "counts");
        if (!from.isBefore(to)) {
            throw new InputRejectedException(InputRule.STATS_RANGE_INVALID,
                    "from (" + from + ") must be before to (" + to + ")");
        }
        Instant first = granularity.floor(from);
        Instant last = granularity.floor(to.minusNanos(1));
        long size = bucketIndex(first, last, granularity) + 1;
        if (size > MAX_POINTS) {
            throw new InputRejectedException(InputRule.STATS_TOO_MANY_POINTS,
                    "from " + from + " to " + to + " holds " + size + " " + name(granularity)
                            + " buckets, more than the limit of " + MAX_POINTS
                            + "; narrow the range or choose a coarser granularity");
        }
        long[] clicks = new long[(int) size];
        long total = 0;
        for (MinuteCount row : counts) {
            if (row.minute().isBefore(from) || !row.minute().isBefore(to)) {
                continue;
            }
            clicks[(int) bucketIndex(first, row.minute(), granularity)] += row.clicks();
            total += row.clicks();
        }
        List<Point> points = new ArrayList<>(clicks.length);
        Instant ts = first;
        for (long n : clicks) {
            points.add(new Point(ts, n));
            ts = ts.plus(granularity.step());
        }
        return new ClickSeries(from, to, granularity, Collections.unmodifiableList(points), total);
    }

    private static long bucketIndex(Instant first, Instant at, Granularity granularity) {
        return Duration.between(first, granularity.floor(at)).dividedBy(granularity.step());
    }

    private static String name(Granularity granularity) {
        return granularity.name().toLowerCase(Locale.ROOT);
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public Granularity granularity() {
        return granularity;
    }

    /** Every bucket of the range in time order, empty ones included; never more than {@link #MAX_POINTS}. */
    public List<Point> points() {
        return points;
    }

    /** All clicks counted in the range: the sum of {@link #points()}. */
    public long total() {
        return total;
    }

    /**
     * One row of the ledger's rollup: the clicks counted in one UTC minute.
     *
     * @param minute the start of the minute (seconds and nanoseconds zero)
     * @param clicks how many, not negative
     */
    public record MinuteCount(Instant minute, long clicks) {
        public MinuteCount {
            Objects.requireNonNull(minute, "minute");
            if (!minute.equals(minute.truncatedTo(ChronoUnit.MINUTES))) {
                throw new IllegalArgumentException("minute must be the start of a UTC minute, was " + minute);
            }
            if (clicks < 0) {
                throw new IllegalArgumentException("clicks must not be negative, was " + clicks);
            }
        }
    }

    /**
     * One bucket of the series.
     *
     * @param ts     the start of the bucket
     * @param clicks clicks counted in it
     */
    public record Point(Instant ts, long clicks) {
        public Point {
            Objects.requireNonNull(ts, "ts");
        }
    }
}
