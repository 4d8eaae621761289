package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.ClickSeries.MinuteCount;
import io.shortlink.core.ClickSeries.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ClickSeriesTest {

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static MinuteCount row(String minute, long clicks) {
        return new MinuteCount(at(minute), clicks);
    }

    @Test
    void buckets_startAtTheFloorOfFrom() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:37:42Z"), at("2025-01-01T12:00:00Z"),
                Granularity.HOUR, List.of());

        assertEquals(List.of(new Point(at("2025-01-01T10:00:00Z"), 0), new Point(at("2025-01-01T11:00:00Z"), 0)),
                series.points());
    }

    @Test
    void lastBucket_holdsToMinusOneNanosecond() {
        Instant from = at("2025-01-01T10:00:00Z");

        assertEquals(2, ClickSeries.of(from, at("2025-01-01T12:00:00Z"), Granularity.HOUR, List.of()).points().size());
        assertEquals(3, ClickSeries.of(from, at("2025-01-01T12:00:00.000000001Z"), Granularity.HOUR, List.of())
                .points().size());
    }

    @Test
    void emptyBuckets_areFilledWithZero() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T10:05:00Z"),
                Granularity.MINUTE, List.of(row("2025-01-01T10:01:00Z", 4), row("2025-01-01T10:03:00Z", 2)));

        assertEquals(List.of(0L, 4L, 0L, 2L, 0L), series.points().stream().map(Point::clicks).toList());
        assertEquals(List.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T10:01:00Z"), at("2025-01-01T10:02:00Z"),
                at("2025-01-01T10:03:00Z"), at("2025-01-01T10:04:00Z")),
                series.points().stream().map(Point::ts).toList());
    }

    @Test
    void rangeIsHalfOpen_fromCounts_toDoesNot() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T10:02:00Z"),
                Granularity.MINUTE, List.of(row("2025-01-01T09:59:00Z", 100), row("2025-01-01T10:00:00Z", 1),
                        row("2025-01-01T10:01:00Z", 2), row("2025-01-01T10:02:00Z", 100)));

        assertEquals(List.of(1L, 2L), series.points().stream().map(Point::clicks).toList());
        assertEquals(3, series.total());
    }

    @Test
    void minuteStartingBeforeAnUnalignedFrom_isLeftOut() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:30Z"), at("2025-01-01T10:02:00Z"),
                Granularity.MINUTE, List.of(row("2025-01-01T10:00:00Z", 100), row("2025-01-01T10:01:00Z", 2)));

        assertEquals(List.of(0L, 2L), series.points().stream().map(Point::clicks).toList());
    }

    @Test
    void hourBuckets_addUpTheirMinutes() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T13:00:00Z"),
                Granularity.HOUR, List.of(row("2025-01-01T10:05:00Z", 1), row("2025-01-01T10:59:00Z", 2),
                        row("2025-01-01T11:00:00Z", 4), row("2025-01-01T12:30:00Z", 8)));

        assertEquals(List.of(3L, 4L, 8L), series.points().stream().map(Point::clicks).toList());
        assertEquals(15, series.total());
    }

    @Test
    void dayBuckets_splitAtUtcMidnight() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T00:00:00Z"), at("2025-01-03T00:00:00Z"),
                Granularity.DAY, List.of(row("2025-01-01T00:00:00Z", 1), row("2025-01-01T23:59:00Z", 2),
                        row("2025-01-02T00:00:00Z", 4)));

        assertEquals(List.of(new Point(at("2025-01-01T00:00:00Z"), 3), new Point(at("2025-01-02T00:00:00Z"), 4)),
                series.points());
    }

    @Test
    void rowsForTheSameMinute_addUp() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T10:01:00Z"),
                Granularity.MINUTE, List.of(row("2025-01-01T10:00:00Z", 2), row("2025-01-01T10:00:00Z", 3)));

        assertEquals(List.of(new Point(at("2025-01-01T10:00:00Z"), 5)), series.points());
    }

    @Test
    void exactly1440Points_areAllowed() {
        Instant from = at("2025-01-01T00:00:00Z");

        ClickSeries series = ClickSeries.of(from, from.plus(Duration.ofMinutes(ClickSeries.MAX_POINTS)),
                Granularity.MINUTE, List.of());

        assertEquals(ClickSeries.MAX_POINTS, series.points().size());
    }

    @Test
    void morePointsThan1440_areRefused_namingCountAndLimit() {
        Instant from = at("2025-01-01T00:00:00Z");

        InputRejectedException e = assertThrows(InputRejectedException.class, () -> ClickSeries.of(from,
                from.plus(Duration.ofMinutes(ClickSeries.MAX_POINTS + 1)), Granularity.MINUTE, List.of()));

        assertEquals(InputRule.STATS_TOO_MANY_POINTS, e.rule());
        assertTrue(e.detail().contains("1441") && e.detail().contains("1440"), e.detail());
    }

    @Test
    void pointLimit_countsBuckets_notWholeSteps() {
        // 1,440 minutes, but starting mid-minute they touch 1,441 buckets
        Instant from = at("2025-01-01T00:00:30Z");

        InputRejectedException e = assertThrows(InputRejectedException.class, () -> ClickSeries.of(from,
                from.plus(Duration.ofMinutes(ClickSeries.MAX_POINTS)), Granularity.MINUTE, List.of()));

        assertEquals(InputRule.STATS_TOO_MANY_POINTS, e.rule());
    }

    @Test
    void aHugeRange_isRefused_withoutAllocatingIt() {
        InputRejectedException e = assertThrows(InputRejectedException.class,
                () -> ClickSeries.of(Instant.EPOCH, at("2200-01-01T00:00:00Z"), Granularity.MINUTE, List.of()));

        assertEquals(InputRule.STATS_TOO_MANY_POINTS, e.rule());
    }

    @Test
    void fromNotBeforeTo_isRefused() {
        Instant t = at("2025-01-01T10:00:00Z");

        for (Instant to : List.of(t, t.minusSeconds(60))) {
            InputRejectedException e = assertThrows(InputRejectedException.class,
                    () -> ClickSeries.of(t, to, Granularity.MINUTE, List.of()));
            assertEquals(InputRule.STATS_RANGE_INVALID, e.rule());
        }
    }

    @Test
    void minuteCount_mustBeAMinuteStart_andNotNegative() {
        assertThrows(IllegalArgumentException.class, () -> row("2025-01-01T10:00:30Z", 1));
        assertThrows(IllegalArgumentException.class, () -> row("2025-01-01T10:00:00Z", -1));
    }

    @Test
    void points_cannotBeChanged() {
        ClickSeries series = ClickSeries.of(at("2025-01-01T10:00:00Z"), at("2025-01-01T10:01:00Z"),
                Granularity.MINUTE, List.of());

        assertThrows(UnsupportedOperationException.class, () -> series.points().clear());
    }
}
