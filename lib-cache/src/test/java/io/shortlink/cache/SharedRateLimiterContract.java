package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RKeys;

/**
 * What two instances' {@link BucketRateLimiter#shared} limiters see on one Redis, whichever it is:
 * {@link BucketRateLimiterIT} runs it on the single node, {@link BucketRateLimiterClusterIT} on
 * the cluster. Each instance shares its cache tier's client ({@link RedisLinkTier#client()}), as
 * a server does; each test has a key prefix of its own and deletes its keys after. Commands get
 * 2 s here, not 50 ms: these tests count verdicts, and a slow moment of a Redis shared with other
 * test runs must not send a take to the fallback (every test checks none went there).
 */
abstract class SharedRateLimiterContract {
    private static final RateLimit TEN_A_MINUTE = new RateLimit("key", 10, Duration.ofMinutes(1));
    private static final Duration PATIENT = Duration.ofSeconds(2);

    private String keyPrefix;
    private RedisLinkTier tierA;
    private RedisLinkTier tierB;
    private BucketRateLimiter a;
    private BucketRateLimiter b;

    /** The Redis under test: its mode and addresses. */
    abstract RedisTierConfig redis();

    @BeforeEach
    void twoInstances() {
        keyPrefix = CacheInstance.uniqueKeyPrefix();
        RedisTierConfig tier = redis().withCommandTimeout(PATIENT);
        RateLimiterConfig limits = RateLimiterConfig.defaults().withKeyPrefix(keyPrefix).withSharedWait(PATIENT.multipliedBy(2));
        tierA = RedisLinkTier.connect(tier);
        tierB = RedisLinkTier.connect(tier);
        a = BucketRateLimiter.shared(tierA.client()).config(limits).build();
        b = BucketRateLimiter.shared(tierB.client()).config(limits).build();
    }

    @AfterEach
    void deleteKeysAndClose() {
        try {
            tierA.client().getKeys().deleteByPattern(keyPrefix + "*");
        } finally {
            tierA.close();
            tierB.close();
        }
        assertTrue(tierA.client().isShutdown(), "the tier that made the client shuts it down");
    }

    @Test
    void twoInstances_shareOneBucket() {
        int allowed = 0;
        for (int i = 0; i < 6; i++) {
            allowed += a.take("key:shared", TEN_A_MINUTE).allowed() ? 1 : 0;
            allowed += b.take("key:shared", TEN_A_MINUTE).allowed() ? 1 : 0;
        }

        assertEquals(10, allowed);
        assertNoFallback();
    }

    @Test
    void concurrentTakesOnOneBucket_fromBothInstances_allowExactlyItsPermits() throws InterruptedException {
        // Takes batched while one is in flight must still each get a verdict of their own.
        RateLimit hundredAnHour = new RateLimit("key", 100, Duration.ofHours(1));
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            BucketRateLimiter limiter = t % 2 == 0 ? a : b;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    if (limiter.take("key:contended", hundredAnHour).allowed()) {
                        allowed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }

        assertEquals(100, allowed.get(), "of 400 takes");
        assertNoFallback();
    }

    @Test
    void aBucketEmptiedOnOneInstance_refusesOnTheOther_withTheWaitForItsNextPermit() {
        for (int i = 0; i < 10; i++) {
            a.take("key:emptied", TEN_A_MINUTE);
        }

        Verdict verdict = b.take("key:emptied", TEN_A_MINUTE);

        assertFalse(verdict.allowed());
        assertTrue(verdict.retryAfter().compareTo(TEN_A_MINUTE.refillEvery()) <= 0, verdict.toString());
        assertTrue(verdict.retryAfter().compareTo(TEN_A_MINUTE.refillEvery().minusSeconds(1)) > 0, verdict.toString());
        assertNoFallback();
    }

    @Test
    void aBucketsKey_expires_whenTheBucketWouldBeFullAgain() {
        a.take("key:expiring", TEN_A_MINUTE);

        List<String> held = keys();
        assertEquals(1, held.size(), held.toString());
        long ttl = tierA.client().getKeys().remainTimeToLive(held.getFirst());
        assertTrue(ttl > 0 && ttl <= TEN_A_MINUTE.refillEvery().toMillis(), "TTL " + ttl + " ms");
        assertNoFallback();
    }

    @Test
    void manyBuckets_areKeysOfTheirOwn() {
        takeTwiceFromEach(50);

        assertEquals(50, keys().size());
        assertNoFallback();
    }

    /** Takes one permit on each instance from each of {@code count} buckets, checking what is left. */
    void takeTwiceFromEach(int count) {
        for (int i = 0; i < count; i++) {
            String bucket = "key:" + i;
            assertEquals(9, a.take(bucket, TEN_A_MINUTE).remaining());
            assertEquals(8, b.take(bucket, TEN_A_MINUTE).remaining());
        }
    }

    /** The keys of this test's buckets. */
    List<String> keys() {
        List<String> held = new ArrayList<>();
        tierA.client().getKeys().getKeysByPattern(keyPrefix + "*").forEach(held::add);
        return held;
    }

    RKeys redisKeys() {
        return tierA.client().getKeys();
    }

    void assertNoFallback() {
        assertEquals(0, a.fallbacks() + b.fallbacks(), "takes answered by the fallback");
    }
}
