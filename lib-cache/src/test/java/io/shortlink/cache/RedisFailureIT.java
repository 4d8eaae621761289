package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.shortlink.core.Link;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Redis killed (SIGKILL), frozen (SIGSTOP) and missing at start-up while resolves run: a
 * redis-server of this test's own, on a free port, never scripts/services' one. Every resolve of
 * a known code still answers its link, none waits longer than the bound the configured timeouts
 * give, the breaker opens, and once Redis is back it closes and L1 is emptied.
 */
final class RedisFailureIT {
    private static final int LINKS = 200;
    private static final int THREADS = 4;
    private static final Duration BREAKER_OPENS_WITHIN = Duration.ofSeconds(10);
    private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(30);
    private static final int RESOLVES_PER_PHASE = 2_000;

    @TempDir
    Path dir;
    private final InMemoryLinkStore store = new InMemoryLinkStore();
    private List<Link> links;
    private RedisProcess redis;
    private RedisTierConfig config;

    @BeforeEach
    void startRedis() throws IOException {
        redis = RedisProcess.start(RedisProcess.freePort(), dir.resolve("redis"));
        config = RedisTierConfig.defaults().withSingleServer(redis.address())
                .withKeyPrefix(CacheInstance.uniqueKeyPrefix());
        links = ResolveLoad.createLinks(store, LINKS);
    }

    @AfterEach
    void stopRedis() throws Exception {
        redis.close(); // thaws it first if a test left it frozen
    }

    @Test
    void redisKilledThenRestarted_everyResolveAnswers_andTheTierRecovers() throws Exception {
        try (CacheInstance instance = CacheInstance.connected(store, ResolveLoad.SMALL_L1, config);
                ResolveLoad load = ResolveLoad.start(instance.cache, links, THREADS)) {
            awaitMoreResolves(load);

            redis.kill();
            awaitBreaker(instance, CircuitBreaker.State.OPEN, BREAKER_OPENS_WITHIN);
            awaitMoreResolves(load);
            long cleared = instance.metrics.count("cleared l1");
            redis.restart();

            awaitRecovery(instance, cleared);
            load.assertEveryResolveAnswered("redis_failure_it", config);
        }
    }

    @Test
    void redisFrozenThenThawed_everyResolveAnswers_andTheTierRecovers() throws Exception {
        try (CacheInstance instance = CacheInstance.connected(store, ResolveLoad.SMALL_L1, config);
                ResolveLoad load = ResolveLoad.start(instance.cache, links, THREADS)) {
            awaitMoreResolves(load);
            long cleared;

            redis.freeze();
            try {
                awaitBreaker(instance, CircuitBreaker.State.OPEN, BREAKER_OPENS_WITHIN);
                awaitMoreResolves(load);
                cleared = instance.metrics.count("cleared l1");
            } finally {
                redis.thaw();
            }

            awaitRecovery(instance, cleared);
            load.assertEveryResolveAnswered("redis_failure_it", config);
        }
    }

    @Test
    void aDeleteInvalidatedWhileRedisIsFrozen_reachesRedisAndTheOtherInstance_whenItThaws() throws Exception {
        Link link = links.getFirst();
        RedissonClient raw = Redisson.create(RedisLinkTier.redissonConfig(config.withCommandTimeout(Duration.ofSeconds(2))));
        RBucket<byte[]> value = raw.getBucket(config.key(link.code().value()), ByteArrayCodec.INSTANCE);
        try (CacheInstance a = CacheInstance.connected(store, CacheConfig.twoTierDefaults(), config);
                CacheInstance b = CacheInstance.connected(store, CacheConfig.twoTierDefaults(), config)) {
            a.resolve(link.code());
            Await.until("the link in Redis", RECOVERS_WITHIN, () -> value.get() != null);
            assertEquals(Optional.of(link), b.resolve(link.code())); // now in b's L1
            Link deleted;

            redis.freeze();
            try {
                deleted = store.delete(link.code(), Instant.now()).orElseThrow();
                long start = System.nanoTime();
                a.cache.invalidate(link.code());
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertTrue(took.compareTo(config.longestWait().multipliedBy(2).plus(ResolveLoad.SCHEDULING_MARGIN)) < 0,
                        "invalidate waited " + took);
                assertEquals(1, a.tier.attached().pendingCount());
                // Nothing can travel while Redis is frozen: b serves its L1 copy (up to l1Ttl).
                assertEquals(Optional.of(link), b.resolve(link.code()));
            } finally {
                redis.thaw();
            }

            Await.until("a wrote its pending invalidation", RECOVERS_WITHIN, () -> a.tier.attached().pendingCount() == 0);
            assertTrue(LinkCodec.isTombstone(value.get()), "the value in Redis is not a tombstone");
            Await.until("b answers the deleted link", RECOVERS_WITHIN,
                    () -> b.resolve(link.code()).equals(Optional.of(deleted)));
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aCacheStartedWhileRedisIsDown_answersFromTheStore_andUsesRedisOnceItIsUp() throws Exception {
        redis.kill();
        try (CacheInstance a = CacheInstance.starting(store, ResolveLoad.SMALL_L1, config)) {
            Link link = links.getFirst();

            assertEquals(Optional.of(link), a.resolve(link.code()));
            assertFalse(a.connected());

            redis.restart();
            Await.until("the tier connected", RECOVERS_WITHIN, a::connected);
            for (Link each : links) {
                assertEquals(Optional.of(each), a.resolve(each.code()));
            }
            try (CacheInstance b = CacheInstance.connected(store, ResolveLoad.SMALL_L1, config)) {
                Await.until("b reads what a wrote", RECOVERS_WITHIN, () -> {
                    links.forEach(each -> b.resolve(each.code()));
                    return b.metrics.lookupCount("l2:hit") > 0;
                });
            }
        }
    }

    private static void awaitMoreResolves(ResolveLoad load) {
        long target = load.resolves() + RESOLVES_PER_PHASE;
        Await.until(RESOLVES_PER_PHASE + " more resolves", RECOVERS_WITHIN, () -> load.resolves() >= target);
    }

    private static void awaitBreaker(CacheInstance instance, CircuitBreaker.State state, Duration within) {
        Await.until("the breaker " + state, within, () -> instance.tier.attached().breakerState() == state);
    }

    /** The breaker closes, L1 is emptied once more, and Redis answers reads again. */
    private static void awaitRecovery(CacheInstance instance, long clearedBefore) {
        awaitBreaker(instance, CircuitBreaker.State.CLOSED, RECOVERS_WITHIN);
        Await.until("L1 emptied after Redis came back", RECOVERS_WITHIN,
                () -> instance.metrics.count("cleared l1") > clearedBefore);
        long hits = instance.metrics.lookupCount("l2:hit");
        Await.until("reads answered by Redis again", RECOVERS_WITHIN, () -> instance.metrics.lookupCount("l2:hit") > hits);
    }
}
