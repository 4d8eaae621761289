package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter.Verdict;
import io.shortlink.core.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * {@link BucketRateLimiter#shared} over a client whose Redis is a loopback port nothing listens
 * on: every connect is refused at once, so the fallback is tested without a Redis and without
 * waiting. (Redis frozen, killed and back: BucketRateLimiterFailureIT.)
 */
final class BucketRateLimiterFallbackTest {
    private static final RateLimit TEN_A_MINUTE = new RateLimit("key", 10, Duration.ofMinutes(1));
    private static final String BUCKET = "key:abc123";

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T12:00:00Z"));
    private RedissonClient nowhere;
    private BucketRateLimiter limiter;

    @BeforeEach
    void clientOfAClosedPort() throws IOException {
        Config config = RedisLinkTier.redissonConfig(RedisTierConfig.defaults()
                .withSingleServer("redis://127.0.0.1:" + RedisProcess.freePort()));
        config.setLazyInitialization(true); // Redisson.create would fail otherwise
        nowhere = Redisson.create(config);
        limiter = BucketRateLimiter.shared(nowhere).clock(clock).build();
    }

    @AfterEach
    void shutDown() {
        nowhere.shutdown();
    }

    @Test
    void take_answersFromTheFallback_withTheSameLimit_whenRedisCannotBeReached() {
        for (int remaining = 9; remaining >= 0; remaining--) {
            assertEquals(Verdict.allowed(TEN_A_MINUTE, remaining, Duration.ofSeconds(6L * (10 - remaining))),
                    limiter.take(BUCKET, TEN_A_MINUTE));
        }

        assertEquals(Verdict.refused(TEN_A_MINUTE, Duration.ofMinutes(1), Duration.ofSeconds(6)),
                limiter.take(BUCKET, TEN_A_MINUTE));
    }

    @Test
    void fallbacks_countEveryTakeTheFallbackAnswered() {
        for (int i = 0; i < 15; i++) {
            limiter.take("key:" + (i % 3), TEN_A_MINUTE);
        }

        assertEquals(15, limiter.fallbacks());
        assertEquals(3, limiter.bucketsInProcess());
    }

    @Test
    void theLimiter_staysOnTheFallback_whileRedisStillFailsAfterTheBackOff() {
        assertFalse(limiter.onFallback());
        limiter.take(BUCKET, TEN_A_MINUTE);
        assertTrue(limiter.onFallback());

        clock.advance(RateLimiterConfig.defaults().fallbackFor());
        limiter.take(BUCKET, TEN_A_MINUTE);

        assertTrue(limiter.onFallback());
        assertEquals(7, limiter.take(BUCKET, TEN_A_MINUTE).remaining()); // the third take of one fallback bucket
    }
}
