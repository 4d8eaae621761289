package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

/**
 * {@link BucketRateLimiter#shared} over a redis-server of this test's own (a free port, never
 * scripts/services' one), with the settings a server uses: the cache tier's client (50 ms per
 * command, no retry) and {@link RateLimiterConfig#defaults()}. Redis frozen (SIGSTOP) or killed
 * while takes run: every take answers within its bound, from the fallback, costing one wait per
 * back-off; once Redis is back the shared buckets answer again. And what a take costs Redis.
 */
final class BucketRateLimiterFailureIT {
    /** Refills one permit in 12 min: nothing refills while a test runs. */
    private static final RateLimit FIVE_AN_HOUR = new RateLimit("key", 5, Duration.ofHours(1));
    private static final String BUCKET = "key:abc123";
    private static final RateLimiterConfig LIMITS = RateLimiterConfig.defaults();
    /** How long takes run against a frozen or dead Redis: a few back-offs. */
    private static final Duration OUTAGE = LIMITS.fallbackFor().multipliedBy(3);
    private static final long PACE_NANOS = Duration.ofMillis(5).toNanos();
    private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private RedisProcess redis;
    private RedisLinkTier tier;
    private BucketRateLimiter limiter;

    @BeforeEach
    void startRedis() throws IOException {
        redis = RedisProcess.start(RedisProcess.freePort(), dir.resolve("redis"));
        String prefix = CacheInstance.uniqueKeyPrefix();
        tier = RedisLinkTier.connect(RedisTierConfig.defaults().withSingleServer(redis.address()).withKeyPrefix(prefix));
        limiter = BucketRateLimiter.shared(tier.client()).config(LIMITS.withKeyPrefix(prefix)).build();
        awaitShared();
    }

    @AfterEach
    void stopRedis() throws Exception {
        try {
            tier.close();
        } finally {
            redis.close(); // thaws it first if a test left it frozen
        }
    }

    @Test
    void redisFrozenThenThawed_takesAnswerFromTheFallbackInTime_thenFromRedisAgain() throws Exception {
        emptyTheSharedBucket();

        Outage outage;
        redis.freeze();
        try {
            outage = takeThrough(OUTAGE);
        } finally {
            redis.thaw();
        }

        outage.assertAnsweredByTheFallback();
        assertSharedAgain();
    }

    @Test
    void redisKilledThenRestarted_takesAnswerFromTheFallbackInTime_thenFromRedisAgain() throws Exception {
        emptyTheSharedBucket();

        redis.kill();
        Outage outage = takeThrough(OUTAGE);
        redis.restart();

        outage.assertAnsweredByTheFallback();
        // A restarted Redis has lost its buckets: the shared one is full again.
        awaitShared();
        assertEquals(4, limiter.take(BUCKET, FIVE_AN_HOUR).remaining());
    }

    /**
     * INFO commandstats before and after takes on a Redis nobody else uses. It counts the commands
     * a script runs as well as the script: a take of a held bucket is two round trips (GET, then
     * EVALSHA of the compare-and-swap, which runs GET and PSETEX inside); a bucket's first take
     * is three (GET; Bucket4j finds no bucket and asks again with its configuration: GET, SET NX PX).
     */
    @Test
    void aTake_costsTwoRoundTrips_andABucketsFirstTakeThree() {
        int takes = 100;
        RateLimit many = new RateLimit("many", 1_000, Duration.ofHours(1));
        for (int i = 0; i < 1_000; i++) {
            limiter.take("key:warm-up", many); // the script loaded, the code compiled
        }
        limiter.take(BUCKET, many);
        Map<String, Long> before = commandCalls();
        long start = System.nanoTime();
        for (int i = 0; i < takes; i++) {
            limiter.take(BUCKET, many);
        }
        Duration held = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Long> between = commandCalls();
        start = System.nanoTime();
        for (int i = 0; i < takes; i++) {
            limiter.take("key:new-" + i, FIVE_AN_HOUR);
        }
        Duration firsts = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Long> after = commandCalls();

        Map<String, Long> forHeld = delta(before, between);
        Map<String, Long> forFirsts = delta(between, after);
        String aKey = tier.client().getKeys().getKeysByPattern("*:key:new-0").iterator().next();
        System.out.println("event=rate_limiter_commands takes=" + takes + " held_bucket=" + forHeld
                + " mean=" + held.dividedBy(takes) + " first_take=" + forFirsts + " mean=" + firsts.dividedBy(takes)
                + " key=" + aKey + " key_bytes=" + tier.client().getBucket(aKey).sizeInMemory());
        assertEquals(Map.of("get", 2L * takes, "evalsha", (long) takes, "psetex", (long) takes), forHeld);
        assertEquals(Map.of("get", 2L * takes, "set", (long) takes), forFirsts);
        assertEquals(0, limiter.fallbacks());
    }

    /** Takes the shared bucket's five permits: Redis would refuse the next, a fresh fallback would not. */
    private void emptyTheSharedBucket() {
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.take(BUCKET, FIVE_AN_HOUR).allowed());
        }
        assertFalse(limiter.take(BUCKET, FIVE_AN_HOUR).allowed());
        assertEquals(0, limiter.fallbacks());
    }

    /** Takes from {@link #BUCKET} every few milliseconds for {@code duration}, timing each. */
    private Outage takeThrough(Duration duration) {
        long fallbacksBefore = limiter.fallbacks();
        long start = System.nanoTime();
        Outage outage = new Outage();
        while (System.nanoTime() - start < duration.toNanos()) {
            long takeStart = System.nanoTime();
            Verdict verdict = limiter.take(BUCKET, FIVE_AN_HOUR);
            outage.record(verdict, Duration.ofNanos(System.nanoTime() - takeStart));
            LockSupport.parkNanos(PACE_NANOS);
        }
        outage.elapsed = Duration.ofNanos(System.nanoTime() - start);
        outage.fallbacks = limiter.fallbacks() - fallbacksBefore;
        return outage;
    }

    /** Redis answers takes again, after the back-off that began with the last failure. */
    private void awaitShared() {
        Await.until("a take answered by Redis", RECOVERS_WITHIN, () -> {
            long before = limiter.fallbacks();
            limiter.take("key:probe", FIVE_AN_HOUR);
            return limiter.fallbacks() == before;
        });
        assertFalse(limiter.onFallback());
    }

    /** The shared bucket, emptied before the outage, is the one that answers again. */
    private void assertSharedAgain() {
        awaitShared();
        long fallbacks = limiter.fallbacks();
        assertFalse(limiter.take(BUCKET, FIVE_AN_HOUR).allowed());
        assertEquals(fallbacks, limiter.fallbacks());
    }

    private Map<String, Long> commandCalls() {
        Map<String, String> stats = tier.client().getRedisNodes(RedisNodes.SINGLE).getInstance()
                .info(RedisNode.InfoSection.COMMANDSTATS);
        Map<String, Long> calls = new TreeMap<>();
        stats.forEach((name, value) -> {
            String command = name.substring("cmdstat_".length());
            if (!command.equals("ping") && !command.equals("info")) {
                calls.put(command, Long.parseLong(value.replaceAll("^calls=(\\d+),.*$", "$1")));
            }
        });
        return calls;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((command, calls) -> {
            long more = calls - before.getOrDefault(command, 0L);
            if (more > 0) {
                delta.put(command, more);
            }
        });
        return delta;
    }

    /** What the takes during an outage answered, and how long each waited. */
    private static final class Outage {
        /** A take waits on Redis at most sharedWait (100 ms); the rest is room for a busy test machine. */
        private static final Duration BOUND = LIMITS.sharedWait().plus(ResolveLoad.SCHEDULING_MARGIN);
        /** Longer than a take answered in process ever is; shorter than a command timeout (50 ms). */
        private static final Duration WAITED_ON_REDIS = Duration.ofMillis(25);

        private int takes;
        private int allowed;
        private int waitedOnRedis;
        private Duration longest = Duration.ZERO;
        private Duration elapsed;
        private long fallbacks;

        void record(Verdict verdict, Duration took) {
            takes++;
            allowed += verdict.allowed() ? 1 : 0;
            waitedOnRedis += took.compareTo(WAITED_ON_REDIS) >= 0 ? 1 : 0;
            longest = took.compareTo(longest) > 0 ? took : longest;
        }

        void assertAnsweredByTheFallback() {
            System.out.println("event=rate_limiter_outage takes=" + takes + " allowed=" + allowed + " waited_on_redis="
                    + waitedOnRedis + " longest=" + longest + " elapsed=" + elapsed);
            assertTrue(longest.compareTo(BOUND) < 0, "a take waited " + longest);
            assertEquals(takes, fallbacks, "takes answered by the fallback");
            // The fallback's own bucket starts full; the shared one was empty.
            assertEquals(5, allowed);
            // One take tries Redis per back-off (and the first, which found it gone).
            long backOffs = elapsed.toNanos() / LIMITS.fallbackFor().toNanos();
            assertTrue(waitedOnRedis <= backOffs + 2, waitedOnRedis + " takes waited on Redis in " + elapsed);
        }
    }
}
