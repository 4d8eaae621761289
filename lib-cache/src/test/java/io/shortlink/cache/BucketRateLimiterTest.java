package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter.Verdict;
import io.shortlink.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** {@link BucketRateLimiter#inProcess()}: the buckets, their verdicts, their bound and their lifetime. */
final class BucketRateLimiterTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    /** One permit back every 6 s. */
    private static final RateLimit TEN_A_MINUTE = new RateLimit("key", 10, Duration.ofMinutes(1));
    private static final String BUCKET = "key:abc123";

    private final ManualClock clock = new ManualClock(START);
    private final BucketRateLimiter limiter = BucketRateLimiter.inProcess().clock(clock).build();

    @Test
    void take_findsTheBucketFull_onFirstUse() {
        Verdict verdict = limiter.take(BUCKET, TEN_A_MINUTE);

        assertEquals(Verdict.allowed(TEN_A_MINUTE, 9, Duration.ofSeconds(6)), verdict);
    }

    @Test
    void take_allowsPermitsTakes_inABurst() {
        for (int remaining = 9; remaining >= 0; remaining--) {
            Verdict verdict = limiter.take(BUCKET, TEN_A_MINUTE);
            assertTrue(verdict.allowed());
            assertEquals(remaining, verdict.remaining());
        }
    }

    @Test
    void take_refuses_whenBucketIsEmpty() {
        takeAll(BUCKET, TEN_A_MINUTE);

        Verdict verdict = limiter.take(BUCKET, TEN_A_MINUTE);

        assertEquals(Verdict.refused(TEN_A_MINUTE, Duration.ofMinutes(1), Duration.ofSeconds(6)), verdict);
    }

    @Test
    void take_tellsTheExactWait_whenRefusedPartWayThroughARefill() {
        takeAll(BUCKET, TEN_A_MINUTE);
        clock.advance(Duration.ofMillis(2_500));

        Verdict verdict = limiter.take(BUCKET, TEN_A_MINUTE);

        assertEquals(Verdict.refused(TEN_A_MINUTE, Duration.ofMillis(57_500), Duration.ofMillis(3_500)), verdict);
    }

    @Test
    void take_allowsOneMore_oncePermitHasRefilled() {
        takeAll(BUCKET, TEN_A_MINUTE);
        clock.advance(TEN_A_MINUTE.refillEvery());

        assertEquals(Verdict.allowed(TEN_A_MINUTE, 0, Duration.ofMinutes(1)), limiter.take(BUCKET, TEN_A_MINUTE));
        assertFalse(limiter.take(BUCKET, TEN_A_MINUTE).allowed());
    }

    @Test
    void take_findsTheBucketFullAgain_afterOneWindow() {
        takeAll(BUCKET, TEN_A_MINUTE);
        clock.advance(TEN_A_MINUTE.window());

        assertEquals(9, limiter.take(BUCKET, TEN_A_MINUTE).remaining());
    }

    @Test
    void take_keepsSeparateBuckets_forSeparateNames() {
        takeAll(BUCKET, TEN_A_MINUTE);

        assertEquals(Verdict.allowed(TEN_A_MINUTE, 9, Duration.ofSeconds(6)), limiter.take("key:other", TEN_A_MINUTE));
    }

    @Test
    void take_keepsSeparateBuckets_forOneNameUnderTwoLimits() {
        RateLimit perHour = new RateLimit("key-hourly", 100, Duration.ofHours(1));
        takeAll(BUCKET, TEN_A_MINUTE);

        assertEquals(Verdict.allowed(perHour, 99, Duration.ofSeconds(36)), limiter.take(BUCKET, perHour));
    }

    @Test
    void take_refillsEachLimit_atItsOwnPace() {
        RateLimit twoPerSecond = new RateLimit("burst", 2, Duration.ofSeconds(1));
        takeAll(BUCKET, TEN_A_MINUTE);
        takeAll(BUCKET, twoPerSecond);

        clock.advance(Duration.ofSeconds(1));

        assertEquals(1, limiter.take(BUCKET, twoPerSecond).remaining());
        assertFalse(limiter.take(BUCKET, TEN_A_MINUTE).allowed());
    }

    @Test
    void take_startsNewBuckets_whenALimitChangesItsPermits() {
        takeAll(BUCKET, TEN_A_MINUTE);

        RateLimit raised = new RateLimit(TEN_A_MINUTE.name(), 20, TEN_A_MINUTE.window());

        assertEquals(19, limiter.take(BUCKET, raised).remaining());
    }

    @Test
    void buckets_neverOutnumberMaxBuckets() {
        BucketRateLimiter bounded = BucketRateLimiter.inProcess()
                .config(RateLimiterConfig.defaults().withMaxBuckets(100))
                .clock(clock)
                .build();

        for (int i = 0; i < 1_000; i++) {
            bounded.take("key:" + i, TEN_A_MINUTE);
        }

        assertEquals(100, bounded.bucketsInProcess());
    }

    @Test
    void aBucket_isHeld_untilItWouldBeFullAgain() {
        takeAll(BUCKET, TEN_A_MINUTE);
        clock.advance(TEN_A_MINUTE.window().minusNanos(1));

        assertEquals(1, limiter.bucketsInProcess());
        // A nanosecond short of its tenth permit: a new bucket would have answered 9 and 6 s.
        assertEquals(Verdict.allowed(TEN_A_MINUTE, 8, Duration.ofSeconds(6).plusNanos(1)), limiter.take(BUCKET, TEN_A_MINUTE));
    }

    @Test
    void aBucket_isForgotten_oneWindowAfterItsLastTake() {
        limiter.take(BUCKET, TEN_A_MINUTE);
        clock.advance(Duration.ofSeconds(40));
        limiter.take(BUCKET, TEN_A_MINUTE);

        clock.advance(Duration.ofSeconds(40));
        assertEquals(1, limiter.bucketsInProcess());
        clock.advance(Duration.ofSeconds(20));
        assertEquals(0, limiter.bucketsInProcess());
    }

    @Test
    void inProcess_neverFallsBack() {
        takeAll(BUCKET, TEN_A_MINUTE);

        assertEquals(0, limiter.fallbacks());
        assertFalse(limiter.onFallback());
    }

    @Test
    void take_refusesNulls() {
        assertThrows(NullPointerException.class, () -> limiter.take(null, TEN_A_MINUTE));
        assertThrows(NullPointerException.class, () -> limiter.take(BUCKET, null));
    }

    @Test
    void shared_refusesAClientNotMadeByRedisson() {
        RedissonClient proxy = (RedissonClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RedissonClient.class}, (self, method, args) -> null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BucketRateLimiter.shared(proxy));
        assertTrue(e.getMessage().startsWith("a shared rate limiter needs a client made by Redisson.create"), e.getMessage());
    }

    private void takeAll(String bucket, RateLimit limit) {
        for (long i = 0; i < limit.permits(); i++) {
            assertTrue(limiter.take(bucket, limit).allowed());
        }
    }
}
