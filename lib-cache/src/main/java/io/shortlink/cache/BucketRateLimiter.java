package io.shortlink.cache;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/**
 * lib-core's {@link RateLimiter} with token buckets (Bucket4j): {@code permits} per {@code window},
 * refilled steadily, at most {@code permits} at once. The buckets live in this process
 * ({@link #inProcess()}) or in Redis, shared by every instance ({@link #shared(RedissonClient)}).
 *
 * <pre>{@code
 * RateLimiter limits = BucketRateLimiter.shared(redis.client())   // the RedisLinkTier's client
 *         .config(RateLimiterConfig.defaults())
 *         .build();
 * Verdict verdict = limits.take("key:" + keyId, new RateLimit("key", 600, Duration.ofMinutes(1)));
 * }</pre>
 *
 * <p>Contract, beyond {@link RateLimiter}'s:
 * <ul>
 *   <li>Thread-safe; no thread of its own, nothing to close. A take in process never blocks.</li>
 *   <li>A bucket is named under its limit: the same {@code bucket} under two limits is two
 *       buckets, and a limit whose permits or window change starts new, full buckets.</li>
 *   <li>{@code remaining} is the whole permits left; {@code reset} the exact time until the
 *       bucket is full again; {@code retryAfter}, when refused, the exact time until the next
 *       permit (never zero). Rounding them for headers is the caller's.</li>
 *   <li>In process: at most {@link RateLimiterConfig#maxBuckets()} buckets; one is forgotten
 *       one window after its last take (it is full by then, and a new bucket starts full), or,
 *       beyond the bound, when the least used are evicted.</li>
 *   <li>Shared: a take waits for Redis at most {@link RateLimiterConfig#sharedWait()} (or the
 *       client's own command timeout, if shorter). If Redis fails or is slower, the take is
 *       answered by buckets in this process with the same limits (a fallback, counted by
 *       {@link #fallbacks()}), and so is every take for {@link RateLimiterConfig#fallbackFor()};
 *       then one take tries Redis again. Meanwhile the limits hold per instance, not across them.
 *       The switch to the fallback and the return to Redis log one line each.</li>
 *   <li>A {@code null} bucket or limit is a programming error: {@link NullPointerException}.</li>
 * </ul>
 */
public final class BucketRateLimiter implements RateLimiter {
    private final RateLimiter buckets;
    /** The buckets in process: all of them, or the fallback's. */
    private final LocalBuckets local;
    /** The buckets in Redis; null in process. */
    private final SharedBuckets shared;

    private BucketRateLimiter(LocalBuckets local, SharedBuckets shared) {
        this.local = local;
        this.shared = shared;
        this.buckets = shared != null ? shared : local;
    }

    /** Buckets in this process only: each instance limits on its own. */
    public static Builder inProcess() {
        return new Builder(null);
    }

    /**
     * Buckets in the Redis (one server or a Redis Cluster) that {@code client} talks to, shared by
     * every instance using it, with buckets in this process as the fallback. The client stays
     * yours to close. Give it short timeouts ({@link RedisLinkTier#redissonConfig}); sharing the
     * cache's client ({@link RedisLinkTier#client()}) does.
     *
     * @throws IllegalArgumentException if {@code client} was not made by {@code Redisson.create}
     */
    public static Builder shared(RedissonClient client) {
        Objects.requireNonNull(client, "client");
        if (!(client instanceof Redisson)) {
            throw new IllegalArgumentException("a shared rate limiter needs a client made by Redisson.create"
                    + " (Bucket4j sends its commands through Redisson's own executor), was "
                    + client.getClass().getName());
        }
        return new Builder((Redisson) client);
    }

    @Override
    public Verdict take(String bucket, RateLimit limit) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(limit, "limit");
        return buckets.take(bucket, limit);
    }

    /** How many takes buckets in this process answered because Redis failed; always 0 in process. */
    public long fallbacks() {
        return shared == null ? 0 : shared.fallbacks();
    }

    /** Whether takes go to the fallback now (Redis failed within the last back-off); never in process. */
    public boolean onFallback() {
        return shared != null && shared.onFallback();
    }

    /** For tests: how many buckets this process holds (all of them, or the fallback's). */
    long bucketsInProcess() {
        return local.size();
    }

    /** {@code limit} as Bucket4j's greedy refill: a permit back every {@code window / permits}. */
    static Bandwidth bandwidth(RateLimit limit) {
        return Bandwidth.builder().capacity(limit.permits()).refillGreedy(limit.permits(), limit.window()).build();
    }

    static Verdict verdict(RateLimit limit, ConsumptionProbe probe) {
        Duration reset = Duration.ofNanos(probe.getNanosToWaitForReset());
        if (probe.isConsumed()) {
            return Verdict.allowed(limit, probe.getRemainingTokens(), reset);
        }
        // A refused take always has a wait; a zero would tell the client to retry at once.
        return Verdict.refused(limit, reset, Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
    }

    /** Configures a {@link BucketRateLimiter}. Not thread-safe. */
    public static final class Builder {
        private final Redisson redis;
        private RateLimiterConfig config = RateLimiterConfig.defaults();
        private InstantSource clock = InstantSource.system();

        private Builder(Redisson redis) {
            this.redis = redis;
        }

        public Builder config(RateLimiterConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Measures refills, bucket lifetimes and the back-off on {@code clock}; meant for tests,
         * which move a fake clock instead of sleeping. With {@link InstantSource#system()} (the
         * default) time in process is the JVM's monotonic timer; buckets in Redis are dated by
         * the wall clock either way (it is the one the instances share).
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public BucketRateLimiter build() {
            LocalBuckets local = new LocalBuckets(config.maxBuckets(), ClockNanos.elapsed(clock));
            return new BucketRateLimiter(local, redis == null ? null : new SharedBuckets(redis, config, clock, local));
        }
    }
}
