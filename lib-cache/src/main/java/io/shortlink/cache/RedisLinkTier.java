package io.shortlink.cache;

import io.shortlink.core.MetricsListener;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redis (one server or a Redis Cluster) as the second tier of a {@link TieredLinkCache}: shared
 * by every instance, so a link loaded by one is found by the others, and the way invalidations
 * travel between them. Give it to {@link TieredLinkCache.Builder#l2}; close it on shutdown.
 *
 * <pre>{@code
 * RedisLinkTier redis = RedisLinkTier.connect(RedisTierConfig.defaults()
 *         .withCluster(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000")));
 * LinkResolver links = TieredLinkCache.builder(store)
 *         .config(CacheConfig.twoTierDefaults())        // L1 for 30 s: see below
 *         .l2(redis)
 *         .build();
 * ...
 * redis.close();
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>Thread-safe. One tier serves one cache: a second {@code build()} with it fails.</li>
 *   <li>Redis never fails a resolve. A read waits at most {@link RedisTierConfig#longestWait()}
 *       (then it is a miss and the store answers), writes of loaded answers do not wait, and
 *       while Redis keeps failing a circuit breaker skips it (L1 and the store answer) and
 *       probes it again every {@link RedisTierConfig.Breaker#openFor()}.</li>
 *   <li>Staleness across instances: while Redis is up, an invalidation reaches every instance's
 *       L1 about a pub/sub round trip after {@link TieredLinkCache#invalidate} returns, and a
 *       deleted link is not served from Redis again. While Redis is down nothing can travel:
 *       other instances may serve what their L1 holds for up to their {@code l1Ttl}, which is
 *       why L1 should be short beside this tier. The invalidations this instance could not
 *       write wait (at most {@link RedisTierConfig#maxPendingInvalidations()}, beyond that
 *       dropped and counted) and are written when Redis is back; every instance empties its L1
 *       when it finds Redis back.</li>
 *   <li>Starting while Redis is down works: the cache runs on L1 and the store until the tier
 *       has connected, in the background.</li>
 *   <li>{@link #close()} stops the tier's worker thread, makes one last, bounded attempt at the
 *       pending invalidations (logging how many it could not write), and shuts down the Redisson
 *       client if {@link #connect} made it. The cache goes on with L1 and the store.</li>
 * </ul>
 */
public final class RedisLinkTier implements AutoCloseable {
    private final RedisTierConfig config;
    private final TierConnection connection;
    private final boolean withWorker;
    private final AtomicReference<SharedTier> attached = new AtomicReference<>();
    private volatile boolean closed;

    RedisLinkTier(RedisTierConfig config, TierConnection connection, boolean withWorker) {
        this.config = Objects.requireNonNull(config, "config");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.withWorker = withWorker;
    }

    /**
     * A tier with its own Redisson client, made from {@link #redissonConfig(RedisTierConfig)} and
     * closed by {@link #close()}. Does not wait for Redis: it connects in the background.
     */
    public static RedisLinkTier connect(RedisTierConfig config) {
        return new RedisLinkTier(config, RedissonConnection.connect(config), true);
    }

    /**
     * A tier over your client (for settings this library does not make: passwords, TLS
     * material, Sentinel); {@link #close()} leaves it open. Of {@code config}, the key prefix,
     * lifetimes, breaker, pending limit and {@link RedisTierConfig#longestWait()} apply (a read
     * is given up after it, whatever the client's own timeout); the addresses and connection
     * settings are the client's, and its own timeout ends the writes nobody waits for. Start
     * from {@link #redissonConfig} to keep the client's timeouts as short.
     */
    public static RedisLinkTier using(RedissonClient client, RedisTierConfig config) {
        return new RedisLinkTier(config, RedissonConnection.using(client), true);
    }

    /**
     * The Redisson settings {@link #connect} uses, for a client of your own: the command timeout
     * and retries of {@code config} instead of Redisson's 3 s and 4 retries, retries without a
     * pause, a ping every second (a frozen Redis is noticed in about a second, not 30), and in
     * a cluster reads from masters only (a replica may lag an invalidation).
     */
    public static Config redissonConfig(RedisTierConfig config) {
        return RedissonConnection.redissonConfig(config);
    }

    public RedisTierConfig config() {
        return config;
    }

    /**
     * The Redisson client this tier talks through: the one {@link #connect} made (still owned by
     * this tier, which shuts it down on {@link #close()}: use it no longer) or the one given to
     * {@link #using}. For what else should reach the same Redis with the same short timeouts,
     * such as {@link BucketRateLimiter#shared}.
     */
    public RedissonClient client() {
        if (connection instanceof RedissonConnection redisson) {
            return redisson.client();
        }
        throw new IllegalStateException("this tier talks to an in-memory Redis of the tests, not through Redisson");
    }

    /** Binds this tier to the L1 of one cache: starts its worker. */
    synchronized SharedTier attach(FirstTier l1, MetricsListener metrics, InstantSource clock) {
        if (closed) {
            throw new IllegalStateException("this RedisLinkTier is closed");
        }
        if (attached.get() != null) {
            throw new IllegalStateException("a RedisLinkTier serves one TieredLinkCache; make one tier per cache");
        }
        SharedTier shared = new SharedTier(config, connection, l1, metrics, clock, withWorker);
        attached.set(shared);
        return shared;
    }

    /** For tests: the tier as its cache uses it, or null before {@code build()}. */
    SharedTier attached() {
        return attached.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        SharedTier shared = attached.get();
        if (shared != null) {
            shared.close();
        }
        connection.close();
    }
}
