package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The two tiers together, over {@link InMemoryRedis}: two instances ({@code a}, {@code b}) share
 * one store and one Redis, each with its own L1. The Redis tier's worker does not run; tests call
 * {@code maintain()} where it would have.
 */
final class TieredLinkCacheWithL2Test {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    private static final ShortCode CODE = new ShortCode("aB3dE7x");
    private static final CacheConfig L1 = new CacheConfig(1_000, Duration.ofSeconds(30), Duration.ofSeconds(5));
    private static final RedisTierConfig.Breaker BREAKER = new RedisTierConfig.Breaker(50, 4, Duration.ofSeconds(1), 2);
    private static final RedisTierConfig L2 = RedisTierConfig.defaults().withKeyPrefix("test:").withBreaker(BREAKER);
    private static final String KEY = L2.key(CODE.value());
    private static final RuntimeException REDIS_DOWN = new IllegalStateException("redis down (test)");

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryLinkStore store = new InMemoryLinkStore();
    private final InMemoryRedis redis = new InMemoryRedis(clock);
    private final Instance a = new Instance(L2);
    private final Instance b = new Instance(L2);

    // --- reads: L1, then L2, then the store ---

    @Test
    void resolve_onAnL1Miss_answersFromL2_withoutTheStore() {
        Link link = createLink();
        a.resolve(); // loads from the store, fills L2

        assertEquals(Optional.of(link), b.resolve());

        assertEquals(1, store.finds());
        assertEquals(List.of("l1:miss", "l2:hit"), b.metrics.lookups());
    }

    @Test
    void resolve_afterAnL2Hit_answersFromL1() {
        createLink();
        a.resolve();
        b.resolve();

        b.resolve();

        assertEquals(List.of("l1:miss", "l2:hit", "l1:hit"), b.metrics.lookups());
        assertEquals(2, redis.gets()); // a's read, then b's one read
    }

    @Test
    void resolve_onAnL2Miss_loadsTheStore_andWritesTheLinkToL2ForL2Ttl() {
        Link link = createLink();

        assertEquals(Optional.of(link), a.resolve());

        assertEquals(List.of("l1:miss", "l2:miss"), a.metrics.lookups());
        assertEquals(new Lookup.Found(link), LinkCodec.decode(redis.valueOf(KEY), CODE));
        assertEquals(L2.l2Ttl(), redis.ttlOf(KEY));
    }

    @Test
    void resolve_remembersAnUnknownCodeInL2_forNegativeTtl() {
        a.resolve();

        assertEquals(Optional.empty(), b.resolve());

        assertEquals(1, store.finds());
        assertEquals(Lookup.Absent.INSTANCE, LinkCodec.decode(redis.valueOf(KEY), CODE));
        assertEquals(L2.negativeTtl(), redis.ttlOf(KEY));
    }

    @Test
    void resolve_readsL2Once_andTheStoreOnce_forConcurrentMissesOfOneCode() throws Exception {
        Link link = createLink();
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> first = Resolves.onAnotherThread(a.cache, CODE);
        gate.awaitEntered();
        List<CompletableFuture<Optional<Link>>> waiters = Resolves.waitingBehindTheLoad(a.cache, CODE, 8);

        gate.open();

        assertEquals(Optional.of(link), first.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<Optional<Link>> waiter : waiters) {
            assertEquals(Optional.of(link), waiter.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, redis.gets());
        assertEquals(1, store.finds());
    }

    @Test
    void resolve_remembersNothingInEitherTier_whenTheStoreFails() {
        StoreUnavailableException down = new StoreUnavailableException("database down", null);
        store.failWith(down);

        assertSame(down, assertThrows(StoreUnavailableException.class, a::resolve));

        assertNull(redis.valueOf(KEY));
        store.recover();
        Link link = createLink();
        assertEquals(Optional.of(link), a.resolve());
        assertEquals(2, store.finds());
    }

    // --- invalidation: a tombstone in L2, a message to every L1 ---

    @Test
    void invalidate_afterADelete_reachesTheL1OfEveryInstance() {
        createLink();
        a.resolve();
        b.resolve();
        Link deleted = store.delete(CODE, START.plusSeconds(1)).orElseThrow();

        a.cache.invalidate(CODE);

        assertEquals(Optional.of(deleted), b.resolve());
        assertEquals(List.of("invalidation received"), b.metrics.events());
        // InMemoryRedis delivers before PUBLISH answers.
        assertEquals(List.of("invalidation received", "invalidation published"), a.metrics.events());
    }

    @Test
    void invalidate_replacesTheL2ValueByATombstone_forTombstoneTtl() {
        createLink();
        a.resolve();

        a.cache.invalidate(CODE);

        assertTrue(LinkCodec.isTombstone(redis.valueOf(KEY)));
        assertEquals(L2.tombstoneTtl(), redis.ttlOf(KEY));
    }

    @Test
    void resolve_whileATombstoneStands_readsTheStore_andLeavesTheTombstone() {
        Link link = createLink();
        a.cache.invalidate(CODE);

        assertEquals(Optional.of(link), b.resolve());

        assertTrue(LinkCodec.isTombstone(redis.valueOf(KEY)));
        assertEquals(List.of("l1:miss", "l2:miss"), b.metrics.lookups());
    }

    @Test
    void aLoadThatReadTheStoreBeforeAnInvalidation_doesNotWriteItsAnswerBack() throws Exception {
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> stale = Resolves.onAnotherThread(a.cache, CODE);
        gate.awaitEntered(); // a's load has read "absent" and not yet answered
        Link link = createLink();
        b.cache.invalidate(CODE);

        gate.open();

        assertEquals(Optional.empty(), stale.get(10, TimeUnit.SECONDS)); // its own callers get it
        assertTrue(LinkCodec.isTombstone(redis.valueOf(KEY)), "the stale absence replaced the tombstone");
        clock.advance(L2.tombstoneTtl());
        assertEquals(Optional.of(link), a.resolve());
        assertEquals(Optional.of(link), b.resolve());
    }

    @Test
    void aCodeRememberedAsUnknown_isFoundOnEveryInstance_afterItsCreateIsInvalidated() {
        a.resolve();
        b.resolve();
        Link link = createLink();

        b.cache.invalidate(CODE);

        assertEquals(Optional.of(link), a.resolve());
        assertEquals(Optional.of(link), b.resolve());
    }

    @Test
    void aMalformedMessage_isIgnored_andCounted() {
        redis.deliver(L2.channel(), "not a code!");

        assertEquals(List.of("failed receive"), a.metrics.events());
    }

    @Test
    void aResubscription_emptiesL1_becauseMessagesMayHaveBeenLost() {
        createLink();
        a.resolve();

        redis.resubscribeAll();
        a.maintain();

        a.resolve();
        assertEquals(List.of("l1:miss", "l2:miss", "l1:miss", "l2:hit"), a.metrics.lookups());
        assertEquals(List.of("cleared l1"), a.metrics.events());
    }

    // --- Redis failing ---

    @Test
    void resolve_answersFromTheStore_whenRedisFails() {
        Link link = createLink();
        redis.failWith(REDIS_DOWN);

        assertEquals(Optional.of(link), a.resolve());

        assertEquals(List.of("failed get"), a.metrics.events());
        assertSame(REDIS_DOWN, a.metrics.failures().getFirst());
        assertEquals(List.of("l1:miss"), a.metrics.lookups());
    }

    @Test
    void resolve_givesUpOnASilentRedis_afterTheLongestWait() {
        Instance quick = new Instance(L2.withCommandTimeout(Duration.ofMillis(20)));
        Link link = createLink();
        redis.goSilent();

        long start = System.nanoTime();
        assertEquals(Optional.of(link), quick.resolve());
        long took = System.nanoTime() - start;

        assertTrue(took < TimeUnit.SECONDS.toNanos(2), "took " + took / 1_000_000 + " ms");
        assertInstanceOf(TimeoutException.class, quick.metrics.failures().getFirst());
    }

    @Test
    void anUnreadableValue_isAMiss_countedAsADecodeFailure() {
        Link link = createLink();
        byte[] fromANewerVersion = {2, 1, 0};
        redis.put(KEY, fromANewerVersion, L2.l2Ttl());

        assertEquals(Optional.of(link), a.resolve());

        assertEquals(List.of("failed decode"), a.metrics.events());
        assertArrayEquals(fromANewerVersion, redis.valueOf(KEY)); // not ours to overwrite
    }

    @Test
    void theBreaker_opensAfterFailures_andThenRedisIsNotAsked() {
        redis.failWith(REDIS_DOWN);
        resolveDistinctCodes(a, BREAKER.window());
        int asked = redis.gets();

        resolveDistinctCodes(a, 5);

        assertEquals(CircuitBreaker.State.OPEN, a.tier.attached().breakerState());
        assertEquals(asked, redis.gets());
        assertEquals(1, a.metrics.count("breaker open"));
    }

    @Test
    void theBreaker_probesAfterOpenFor_andClosesWhenRedisAnswers_thenL1IsEmptied() {
        createLink();
        a.resolve(); // in L1 and L2
        redis.failWith(REDIS_DOWN);
        resolveDistinctCodes(a, BREAKER.window());
        redis.recover();
        clock.advance(BREAKER.openFor().plusMillis(1)); // the breaker half-opens after openFor, not at it

        resolveDistinctCodes(a, BREAKER.halfOpenCalls());
        a.maintain();

        assertEquals(CircuitBreaker.State.CLOSED, a.tier.attached().breakerState());
        assertEquals(List.of("breaker open", "breaker half_open", "breaker closed", "cleared l1"),
                a.metrics.events().stream().filter(e -> !e.startsWith("failed")).toList());
        int before = redis.gets();
        a.resolve();
        assertEquals(before + 1, redis.gets(), "L1 still held the link");
    }

    // --- invalidations Redis cannot take ---

    @Test
    void anInvalidationRedisCannotTake_isWrittenAndPublished_whenRedisIsBack() {
        createLink();
        b.resolve();
        redis.failWith(REDIS_DOWN);
        Link deleted = store.delete(CODE, START.plusSeconds(1)).orElseThrow();

        a.cache.invalidate(CODE);
        assertEquals(1, a.tier.attached().pendingCount());
        redis.recover();
        a.maintain();

        assertEquals(0, a.tier.attached().pendingCount());
        assertTrue(LinkCodec.isTombstone(redis.valueOf(KEY)));
        assertEquals(Optional.of(deleted), b.resolve());
        assertEquals(List.of("failed invalidate", "pending 1", "invalidation received", "invalidation published",
                "pending 0"), a.metrics.events());
    }

    @Test
    void whileItsInvalidationWaits_aCodeIsNeitherReadFromL2NorWrittenThere() {
        Link link = createLink();
        a.resolve();
        redis.failWith(REDIS_DOWN);
        a.cache.invalidate(CODE);
        redis.recover(); // and the worker has not run yet
        int gets = redis.gets();
        int writes = redis.writes();

        assertEquals(Optional.of(link), a.resolve());

        assertEquals(gets, redis.gets());
        assertEquals(writes, redis.writes());
        assertEquals(2, store.finds());
    }

    @Test
    void pendingInvalidations_areBounded_andTheOverflowIsCounted() {
        Instance small = new Instance(L2.withMaxPendingInvalidations(2));
        redis.failWith(REDIS_DOWN);

        for (String code : List.of("code1", "code2", "code3")) {
            small.cache.invalidate(new ShortCode(code));
        }

        assertEquals(2, small.tier.attached().pendingCount());
        assertEquals(1, small.metrics.count("invalidation dropped"));
    }

    @Test
    void aPendingInvalidation_isGivenUp_onceWhatItCoveredHasExpiredInRedis() {
        redis.failWith(REDIS_DOWN);
        a.cache.invalidate(CODE);
        redis.recover();
        clock.advance(L2.l2Ttl().plus(L2.tombstoneTtl()));
        int writes = redis.writes();

        a.maintain();

        assertEquals(0, a.tier.attached().pendingCount());
        assertEquals(writes, redis.writes());
    }

    // --- starting, binding, closing ---

    @Test
    void untilItHasSubscribed_theTierSendsNoReadOrWrite() {
        redis.failWith(REDIS_DOWN);
        Instance late = new Instance(L2);
        Link link = createLink();

        assertEquals(Optional.of(link), late.resolve());
        assertEquals(0, redis.gets() + redis.writes());

        redis.recover();
        clock.advance(BREAKER.openFor());
        late.maintain();
        assertTrue(late.tier.attached().connected());
        assertEquals(List.of("failed subscribe", "cleared l1"), late.metrics.events());
    }

    @Test
    void aTier_servesOneCache() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TieredLinkCache.builder(store).l2(a.tier).build());

        assertEquals("a RedisLinkTier serves one TieredLinkCache; make one tier per cache", e.getMessage());
    }

    @Test
    void afterTheTierIsClosed_theCacheUsesL1AndTheStore() {
        Link link = createLink();
        a.tier.close();
        int commands = redis.gets() + redis.writes();

        assertEquals(Optional.of(link), a.resolve());
        a.cache.invalidate(CODE);

        assertEquals(commands, redis.gets() + redis.writes());
    }

    @Test
    void withoutL2_nothingReachesRedis() {
        Link link = createLink();
        TieredLinkCache plain = TieredLinkCache.builder(store).config(L1).build();

        assertEquals(Optional.of(link), plain.resolve(CODE));
        plain.invalidate(CODE);

        assertEquals(0, redis.gets() + redis.writes());
    }

    /** Resolves {@code n} codes nobody asked for before, each a miss of both tiers. */
    private void resolveDistinctCodes(Instance instance, int n) {
        for (int i = 0; i < n; i++) {
            assertFalse(instance.cache.resolve(new ShortCode("other" + clock.instant().toEpochMilli() + "x" + i
                    + "x" + instance.metrics.lookups().size())).isPresent());
        }
    }

    private Link createLink() {
        Link link = Link.created(CODE, "https://example.com/" + CODE, START, Optional.empty());
        store.create(link);
        return link;
    }

    /** One server: its own L1 and tier, over the shared store and Redis. */
    private final class Instance {
        final TierMetrics metrics = TierMetrics.inOrder();
        final RedisLinkTier tier;
        final TieredLinkCache cache;

        Instance(RedisTierConfig config) {
            tier = new RedisLinkTier(config, redis, false);
            cache = TieredLinkCache.builder(store).config(L1).metrics(metrics).clock(clock).l2(tier).build();
            maintain(); // the worker's first round: subscribes; from here on Redis is used
        }

        Optional<Link> resolve() {
            return cache.resolve(CODE);
        }

        void maintain() {
            tier.attached().maintain();
        }
    }
}
