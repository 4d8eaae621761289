package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

final class RedisTierConfigTest {
    private static final RedisTierConfig DEFAULTS = RedisTierConfig.defaults();

    @Test
    void defaults_areOneLocalServer_tenMinutes_oneMinuteForAbsence_tenSecondTombstones_50msWithoutRetry() {
        assertEquals(new RedisTierConfig(RedisTierConfig.Mode.SINGLE, List.of("redis://127.0.0.1:6379"), "shortlink:",
                Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(50), 0,
                Duration.ofSeconds(1), new RedisTierConfig.Breaker(50, 10, Duration.ofSeconds(1), 3), 10_000), DEFAULTS);
    }

    @Test
    void longestWait_isTheCommandTimeout_oncePerAttempt() {
        assertEquals(Duration.ofMillis(50), DEFAULTS.longestWait());
        assertEquals(Duration.ofMillis(150), DEFAULTS.withRetryAttempts(2).longestWait());
    }

    @Test
    void keysAndTheChannel_startWithThePrefix() {
        RedisTierConfig config = DEFAULTS.withKeyPrefix("app1:");

        assertEquals("app1:link:aB3dE7x", config.key("aB3dE7x"));
        assertEquals("app1:invalidations", config.channel());
    }

    @Test
    void withCluster_takesSeveralAddresses() {
        RedisTierConfig config = DEFAULTS.withCluster(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000"));

        assertEquals(RedisTierConfig.Mode.CLUSTER, config.mode());
        assertEquals(2, config.addresses().size());
    }

    @Test
    void singleMode_takesExactlyOneAddress() {
        assertRefused("mode SINGLE takes exactly one address, was [redis://a:1, redis://b:2]",
                () -> new RedisTierConfig(RedisTierConfig.Mode.SINGLE, List.of("redis://a:1", "redis://b:2"),
                        "p:", DEFAULTS.l2Ttl(), DEFAULTS.negativeTtl(), DEFAULTS.tombstoneTtl(),
                        DEFAULTS.commandTimeout(), 0, DEFAULTS.connectTimeout(), DEFAULTS.breaker(), 1));
    }

    @Test
    void addresses_mustNameAServer() {
        assertRefused("addresses must name at least one Redis server", () -> DEFAULTS.withCluster(List.of()));
    }

    @Test
    void anAddress_mustBeARedisUrlWithAPort() {
        assertRefused("an address must look like redis://host:port (or rediss://), was '127.0.0.1:6379'",
                () -> DEFAULTS.withSingleServer("127.0.0.1:6379"));
        assertEquals(List.of("rediss://cache.internal:6380"),
                DEFAULTS.withSingleServer("rediss://cache.internal:6380").addresses());
    }

    @Test
    void keyPrefix_mustNotHoldAHashTag() {
        assertRefused("keyPrefix must be non-empty, without whitespace or braces, was '{app}:'",
                () -> DEFAULTS.withKeyPrefix("{app}:"));
    }

    @Test
    void keyPrefix_mustNotBeEmpty() {
        assertRefused("keyPrefix must be non-empty, without whitespace or braces, was ''",
                () -> DEFAULTS.withKeyPrefix(""));
    }

    @Test
    void negativeTtl_mustNotBeLongerThanL2Ttl() {
        assertRefused("negativeTtl (PT11M) must not be longer than l2Ttl (PT10M)",
                () -> DEFAULTS.withNegativeTtl(Duration.ofMinutes(11)));
    }

    @Test
    void tombstoneTtl_mustBeAtLeastASecond() {
        assertRefused("tombstoneTtl must be at least PT1S, was PT0.5S",
                () -> DEFAULTS.withTombstoneTtl(Duration.ofMillis(500)));
    }

    @Test
    void commandTimeout_mustBeAtLeastAMillisecond() {
        assertRefused("commandTimeout must be at least PT0.001S, was PT0S",
                () -> DEFAULTS.withCommandTimeout(Duration.ZERO));
    }

    @Test
    void retryAttempts_mustNotBeNegative() {
        assertRefused("retryAttempts must be 0 or more, was -1", () -> DEFAULTS.withRetryAttempts(-1));
    }

    @Test
    void maxPendingInvalidations_mustBeAtLeastOne() {
        assertRefused("maxPendingInvalidations must be at least 1, was 0",
                () -> DEFAULTS.withMaxPendingInvalidations(0));
    }

    @Test
    void breaker_failureRate_mustBeAPercentage() {
        assertRefused("breaker failureRatePercent must be above 0 and at most 100, was 101.0",
                () -> new RedisTierConfig.Breaker(101, 10, Duration.ofSeconds(1), 3));
    }

    @Test
    void breaker_openFor_mustBePositive() {
        assertRefused("breaker openFor must be a positive duration, was PT0S",
                () -> new RedisTierConfig.Breaker(50, 10, Duration.ZERO, 3));
    }

    private static void assertRefused(String message, Supplier<?> making) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, making::get);
        assertEquals(message, e.getMessage());
    }
}
