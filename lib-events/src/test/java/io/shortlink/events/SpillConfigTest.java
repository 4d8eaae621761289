package io.shortlink.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

final class SpillConfigTest {
    private static final SpillConfig DEFAULTS = SpillConfig.defaults();

    @Test
    void defaults_areOneGibibyte_inSixteenMebibyteSegments() {
        assertEquals(new SpillConfig(1L << 30, 16L << 20), DEFAULTS);
    }

    @Test
    void withers_replaceOneValue() {
        assertEquals(new SpillConfig(2L << 30, 16L << 20), DEFAULTS.withMaxBytes(2L << 30));
        assertEquals(new SpillConfig(1L << 30, 1L << 20), DEFAULTS.withSegmentBytes(1L << 20));
    }

    @Test
    void segmentBytes_mayBeAsSmallAsAHeaderAndOneLargestRecord() {
        assertEquals(101, DEFAULTS.withSegmentBytes(101).segmentBytes());
    }

    @Test
    void segmentBytes_mustHoldAHeaderAndOneLargestRecord() {
        assertRefused("segmentBytes must be at least 101 (a segment header and one largest record), was 100",
                () -> DEFAULTS.withSegmentBytes(100));
    }

    @Test
    void segmentBytes_mustNotPass64MiB() {
        assertRefused("segmentBytes must be at most 67108864 (64 MiB: a replay reads a whole segment into memory),"
                + " was 67108865", () -> DEFAULTS.withSegmentBytes((64L << 20) + 1));
    }

    @Test
    void maxBytes_mayEqualSegmentBytes() {
        assertEquals(4096, DEFAULTS.withSegmentBytes(4096).withMaxBytes(4096).maxBytes());
    }

    @Test
    void maxBytes_mustBeAtLeastSegmentBytes() {
        assertRefused("maxBytes must be at least segmentBytes (16777216), was 16777215",
                () -> DEFAULTS.withMaxBytes((16L << 20) - 1));
    }

    @Test
    void maxBytes_mustNotBeNegative() {
        assertRefused("maxBytes must be at least segmentBytes (16777216), was -1", () -> DEFAULTS.withMaxBytes(-1));
    }

    private static void assertRefused(String message, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertEquals(message, e.getMessage());
    }
}
