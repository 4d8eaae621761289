package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class RateLimiterConfigTest {
    private static final RateLimiterConfig DEFAULTS = RateLimiterConfig.defaults();

    @Test
    void defaults_are100kBuckets_underShortlinkRl_100ms_oneSecondOnTheFallback() {
        assertEquals(new RateLimiterConfig(100_000, "shortlink:rl:", Duration.ofMillis(100), Duration.ofSeconds(1)),
                DEFAULTS);
    }

    @Test
    void maxBuckets_mustBeAtLeastOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMaxBuckets(0));
        assertEquals("maxBuckets must be at least 1, was 0", e.getMessage());
    }

    @Test
    void keyPrefix_mustNotHoldAHashTag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withKeyPrefix("{rl}:"));
        assertEquals("keyPrefix must be non-empty, without whitespace or braces, was '{rl}:'", e.getMessage());
    }

    @Test
    void sharedWait_mustBeAtLeastOneMillisecond() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withSharedWait(Duration.ofNanos(999_999)));
        assertEquals("sharedWait must be at least PT0.001S, was PT0.000999999S", e.getMessage());
    }

    @Test
    void fallbackFor_mustBeSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withFallbackFor(null));
        assertEquals("fallbackFor must be at least PT0.001S, was null", e.getMessage());
    }
}
