package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * What two instances sharing one Redis see, whichever Redis it is: {@link RedisTierIT} runs it on
 * the single node, {@link RedisTierClusterIT} on the cluster. Each test has a key prefix of its
 * own, and deletes its keys after.
 */
abstract class SharedRedisContract {
    private static final CacheConfig L1 = CacheConfig.twoTierDefaults();
    /** Far above a pub/sub round trip on loopback (a millisecond): the bound, not the expectation. */
    private static final Duration PROPAGATION = Duration.ofSeconds(5);
    private static final ShortCode CODE = new ShortCode("aB3dE7x");
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final int STAMPEDE = 200;

    final InMemoryLinkStore store = new InMemoryLinkStore();
    RedisTierConfig config;
    private RedissonClient raw;
    private CacheInstance a;
    private CacheInstance b;

    /** The Redis under test: its mode and addresses (the tests set the key prefix). */
    abstract RedisTierConfig redis();

    @BeforeEach
    void connectTwoInstances() {
        config = redis().withKeyPrefix("it-" + UUID.randomUUID() + ":");
        raw = Redisson.create(RedisLinkTier.redissonConfig(config.withCommandTimeout(Duration.ofSeconds(2))));
        a = CacheInstance.connected(store, L1, config);
        b = CacheInstance.connected(store, L1, config);
    }

    @AfterEach
    void deleteKeys() {
        a.close();
        b.close();
        raw.getKeys().deleteByPattern(config.keyPrefix() + "*");
        raw.shutdown();
    }

    @Test
    void aLinkOneInstanceLoaded_isServedToTheOtherFromRedis() {
        Link link = createLink();
        a.resolve(CODE);
        awaitWrittenBack();

        assertEquals(Optional.of(link), b.resolve(CODE));

        assertEquals(1, store.finds());
        assertEquals(1, b.metrics.lookupCount("l2:hit"));
    }

    @Test
    void aDeleteOnOneInstance_isNotServedByTheOtherAfterwards() {
        Link link = createLink();
        a.resolve(CODE);
        assertEquals(Optional.of(link), b.resolve(CODE)); // now in b's L1
        Link deleted = store.delete(CODE, NOW.plusSeconds(1)).orElseThrow();

        a.cache.invalidate(CODE);

        Await.until("b answers the deleted link", PROPAGATION, () -> b.resolve(CODE).equals(Optional.of(deleted)));
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.of(deleted), b.resolve(CODE));
        }
        assertTrue(LinkCodec.isTombstone(rawValue()), "the value in Redis is not a tombstone");
    }

    @Test
    void aStampedeOf200Threads_onOneColdCode_loadsTheStoreOnce() throws Exception {
        Link link = createLink();
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Optional<Link>>> answers = new ArrayList<>();
        for (int i = 0; i < STAMPEDE; i++) {
            CompletableFuture<Optional<Link>> answer = new CompletableFuture<>();
            answers.add(answer);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    go.await();
                    answer.complete(a.resolve(CODE));
                } catch (Throwable t) {
                    answer.completeExceptionally(t);
                }
            });
        }

        go.countDown();
        gate.awaitEntered(); // the one load has read Redis and reached the store
        // Each resolve counts its L1 miss before it joins the load in flight: once all 200 have,
        // every one of them shares it.
        Await.until("all " + STAMPEDE + " resolves missed L1", PROPAGATION,
                () -> a.metrics.lookupCount("l1:miss") == STAMPEDE);
        gate.open();

        for (CompletableFuture<Optional<Link>> answer : answers) {
            assertEquals(Optional.of(link), answer.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, store.finds());
        assertEquals(1, a.metrics.lookupCount("l2:miss"));
        awaitWrittenBack();
        assertEquals(Optional.of(link), b.resolve(CODE));
        assertEquals(1, store.finds(), "b went to the store instead of Redis");
    }

    @Test
    void aLoadThatReadTheStoreBeforeAnInvalidation_doesNotWriteItsAnswerBack() throws Exception {
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> stale = Resolves.onAnotherThread(a.cache, CODE);
        gate.awaitEntered(); // a's load has read "absent" from the store and not yet answered
        Link link = createLink();
        b.cache.invalidate(CODE);

        gate.open();

        assertEquals(Optional.empty(), stale.get(10, TimeUnit.SECONDS)); // its own caller gets it
        Await.until("a answers the created link", PROPAGATION, () -> a.resolve(CODE).equals(Optional.of(link)));
        assertEquals(Optional.of(link), b.resolve(CODE));
        assertTrue(LinkCodec.isTombstone(rawValue()), "the stale absence replaced the tombstone");
    }

    @Test
    void anAbsenceInRedis_endsOnEveryInstance_whenTheCodeIsCreated() {
        assertEquals(Optional.empty(), a.resolve(CODE));
        awaitWrittenBack();
        assertArrayEquals(LinkCodec.encode(Lookup.Absent.INSTANCE), rawValue());
        assertEquals(Optional.empty(), b.resolve(CODE)); // from Redis, now in b's L1
        assertEquals(1, store.finds());
        Link link = createLink();

        a.cache.invalidate(CODE);

        Await.until("b answers the created link", PROPAGATION, () -> b.resolve(CODE).equals(Optional.of(link)));
    }

    /** A load's answer goes to Redis after its callers have it: waits until it is there. */
    private void awaitWrittenBack() {
        Await.until("the answer written to Redis", PROPAGATION, () -> rawValue() != null);
    }

    private byte[] rawValue() {
        return raw.<byte[]>getBucket(config.key(CODE.value()), ByteArrayCodec.INSTANCE).get();
    }

    private Link createLink() {
        Link link = Link.created(CODE, "https://example.com/" + CODE, NOW, Optional.empty());
        store.create(link);
        return link;
    }
}
