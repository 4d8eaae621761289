package io.shortlink.cache;

import io.shortlink.core.Link;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import java.time.Duration;
import java.util.Optional;

/**
 * One server's cache for the ITs: its own L1 and its own Redis tier (its own Redisson client)
 * over a store and a Redis it shares with the other instances of the test.
 */
final class CacheInstance implements AutoCloseable {
    /** How long a tier may take to connect and subscribe. */
    static final Duration CONNECT_WITHIN = Duration.ofSeconds(15);

    final TierMetrics metrics = TierMetrics.counting();
    final RedisLinkTier tier;
    final TieredLinkCache cache;

    private CacheInstance(LinkStore store, CacheConfig l1, RedisTierConfig l2) {
        tier = RedisLinkTier.connect(l2);
        cache = TieredLinkCache.builder(store).config(l1).metrics(metrics).l2(tier).build();
    }

    /** An instance whose tier has subscribed to the invalidations: Redis is in use. */
    static CacheInstance connected(LinkStore store, CacheConfig l1, RedisTierConfig l2) {
        CacheInstance instance = starting(store, l1, l2);
        Await.until("the tier connected to " + l2.addresses(), CONNECT_WITHIN, instance::connected);
        return instance;
    }

    /** An instance that may not have reached Redis yet. */
    static CacheInstance starting(LinkStore store, CacheConfig l1, RedisTierConfig l2) {
        return new CacheInstance(store, l1, l2);
    }

    boolean connected() {
        return tier.attached().connected();
    }

    Optional<Link> resolve(ShortCode code) {
        return cache.resolve(code);
    }

    @Override
    public void close() {
        tier.close();
    }
}
