package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CacheConfigTest {
    private static final CacheConfig DEFAULTS = CacheConfig.defaults();

    @Test
    void defaults_are100kEntries_tenMinutes_fiveSecondsForAbsentCodes() {
        assertEquals(new CacheConfig(100_000, Duration.ofMinutes(10), Duration.ofSeconds(5)), DEFAULTS);
    }

    @Test
    void l1MaxEntries_mustBeAtLeastOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withL1MaxEntries(0));
        assertEquals("l1MaxEntries must be at least 1, was 0", e.getMessage());
    }

    @Test
    void l1Ttl_mustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withL1Ttl(Duration.ZERO));
        assertEquals("l1Ttl must be a positive duration, was PT0S", e.getMessage());
    }

    @Test
    void negativeTtl_mustBeSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withNegativeTtl(null));
        assertEquals("negativeTtl must be a positive duration, was null", e.getMessage());
    }

    @Test
    void negativeTtl_mustNotBeLongerThanL1Ttl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CacheConfig(10, Duration.ofSeconds(5), Duration.ofSeconds(6)));
        assertEquals("negativeTtl (PT6S) must not be longer than l1Ttl (PT5S)", e.getMessage());
    }

    @Test
    void negativeTtl_mayEqualL1Ttl() {
        assertEquals(Duration.ofSeconds(5), new CacheConfig(10, Duration.ofSeconds(5), Duration.ofSeconds(5)).negativeTtl());
    }
}
