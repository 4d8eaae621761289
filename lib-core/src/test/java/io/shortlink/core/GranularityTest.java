package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class GranularityTest {

    @Test
    void parse_readsEachName_inAnyCase() {
        assertEquals(Granularity.MINUTE, Granularity.parse("minute"));
        assertEquals(Granularity.HOUR, Granularity.parse("HOUR"));
        assertEquals(Granularity.DAY, Granularity.parse("Day"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "week", "hours", " hour", "1h", "MINUTES"})
    void parse_rejectsAnythingElse_withTheGranularityRule(String value) {
        InputRejectedException e = assertThrows(InputRejectedException.class, () -> Granularity.parse(value));

        assertEquals(InputRule.STATS_GRANULARITY_INVALID, e.rule());
        assertTrue(e.detail().contains("minute, hour, day"), e.detail());
    }

    @Test
    void parse_rejectsMissingValue() {
        InputRejectedException e = assertThrows(InputRejectedException.class, () -> Granularity.parse(null));

        assertEquals(InputRule.STATS_GRANULARITY_INVALID, e.rule());
    }

    @Test
    void parse_doesNotEchoLongInput_inFull() {
        String value = "x".repeat(10_000);

        InputRejectedException e = assertThrows(InputRejectedException.class, () -> Granularity.parse(value));

        assertTrue(e.detail().length() < 200, e.detail());
    }

    @Test
    void step_isOneUnit() {
        assertEquals(Duration.ofMinutes(1), Granularity.MINUTE.step());
        assertEquals(Duration.ofHours(1), Granularity.HOUR.step());
        assertEquals(Duration.ofHours(24), Granularity.DAY.step());
    }

    @Test
    void floor_alignsToUtc() {
        Instant t = Instant.parse("2025-03-30T01:37:42.123456789Z");

        assertEquals(Instant.parse("2025-03-30T01:37:00Z"), Granularity.MINUTE.floor(t));
        assertEquals(Instant.parse("2025-03-30T01:00:00Z"), Granularity.HOUR.floor(t));
        assertEquals(Instant.parse("2025-03-30T00:00:00Z"), Granularity.DAY.floor(t));
    }

    @Test
    void floor_keepsAnAlignedInstant() {
        Instant midnight = Instant.parse("2025-01-01T00:00:00Z");

        for (Granularity g : Granularity.values()) {
            assertEquals(midnight, g.floor(midnight), g.name());
        }
    }

    @Test
    void floor_roundsDown_beforeTheEpochToo() {
        Instant t = Instant.parse("1969-12-31T23:59:30Z");

        assertEquals(Instant.parse("1969-12-31T23:59:00Z"), Granularity.MINUTE.floor(t));
        assertEquals(Instant.parse("1969-12-31T00:00:00Z"), Granularity.DAY.floor(t));
    }
}
