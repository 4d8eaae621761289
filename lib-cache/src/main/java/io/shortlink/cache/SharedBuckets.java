package io.shortlink.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.Redisson;

/**
 * Token buckets in Redis, shared by every instance, through Bucket4j's compare-and-swap proxy on
 * Redisson; while Redis fails, buckets in this process ({@link LocalBuckets}) answer instead.
 *
 * <p>The route is shared until a take fails; then every take goes to the fallback for
 * {@code fallbackFor}, after which the first take tries Redis again (the others stay on the
 * fallback while it does) and either brings the route back or renews the back-off. So a dead
 * Redis costs one take a {@code sharedWait} per back-off, never every take.
 */
final class SharedBuckets implements RateLimiter {
    private static final System.Logger LOG = System.getLogger(SharedBuckets.class.getName());
    private static final Route SHARED = new Route(true, 0);

    private final RemoteAsyncBucketBuilder<String> redis;
    private final String keyPrefix;
    private final long sharedWaitNanos;
    private final Duration fallbackFor;
    private final LocalBuckets fallback;
    private final Ticker elapsed;
    private final AtomicReference<Route> route = new AtomicReference<>(SHARED);
    /**
     * One proxy per bucket, kept while in use, so that concurrent takes of it are batched; bounded
     * as the fallback's buckets are, and forgotten one window after the last take.
     */
    private final Cache<BucketKey, AsyncBucketProxy> proxies;
    private final LongAdder fallbacks = new LongAdder();

    SharedBuckets(Redisson client, RateLimiterConfig config, InstantSource clock, LocalBuckets fallback) {
        this.redis = Bucket4jRedisson.casBasedBuilder(client.getCommandExecutor())
                // The instances' wall clocks date the state in Redis; they must agree (NTP).
                .clientClock(wallClock(clock))
                // A key lives until its bucket would be full again, then vanishes: a missing
                // bucket starts full, so Redis holds only the buckets still refilling.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                .build()
                .asAsync()
                .builder()
                // Takes that reach one bucket while a take of it is in flight go to Redis as one
                // compare-and-swap when it returns: without it, 16 callers on one key made Redis
                // refuse most swaps and retry (creates with one key on phase2: 1,470/s, p50 9 ms;
                // docs/security.md).
                .withOptimization(Optimizations.batching());
        this.keyPrefix = config.keyPrefix();
        this.sharedWaitNanos = config.sharedWait().toNanos();
        this.fallbackFor = config.fallbackFor();
        this.fallback = fallback;
        this.elapsed = ClockNanos.elapsed(clock);
        this.proxies = BucketKey.perBucket(config.maxBuckets(), elapsed);
    }

    @Override
    public Verdict take(String bucket, RateLimit limit) {
        Route tried = route.get();
        if (!tried.shared()) {
            long now = elapsed.read();
            Route retry = Route.fallbackFrom(now, fallbackFor);
            if (now - tried.retryAt() < 0 || !route.compareAndSet(tried, retry)) {
                return fromFallback(bucket, limit);
            }
            // This take tries Redis; the others stay on the fallback until it has an answer.
            tried = retry;
        }
        ConsumptionProbe probe;
        try {
            probe = proxies.get(new BucketKey(limit, bucket), k -> redis.build(key(k), configuration(k.limit())))
                    .tryConsumeAndReturnRemaining(1)
                    .get(sharedWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // The caller was interrupted, Redis did not fail: answer this take alone from here.
            Thread.currentThread().interrupt();
            return fromFallback(bucket, limit);
        } catch (TimeoutException e) {
            return failed(tried, "timeout", bucket, limit);
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e;
            while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return failed(tried, cause.getClass().getSimpleName(), bucket, limit);
        }
        if (!tried.shared() && route.compareAndSet(tried, SHARED)) {
            LOG.log(System.Logger.Level.INFO, "event=rate-limiter-shared-again");
        }
        return BucketRateLimiter.verdict(limit, probe);
    }

    /** How many takes the fallback answered. */
    long fallbacks() {
        return fallbacks.sum();
    }

    boolean onFallback() {
        return !route.get().shared();
    }

    private Verdict failed(Route tried, String reason, String bucket, RateLimit limit) {
        // Only the take that moves the route off Redis logs: in-flight takes failing with it, and
        // a retry that failed again (the route already off), say nothing new.
        if (tried.shared() && route.compareAndSet(SHARED, Route.fallbackFrom(elapsed.read(), fallbackFor))) {
            LOG.log(System.Logger.Level.WARNING, () -> "event=rate-limiter-fallback reason=" + reason
                    + " for=" + fallbackFor);
        }
        return fromFallback(bucket, limit);
    }

    private Verdict fromFallback(String bucket, RateLimit limit) {
        fallbacks.increment();
        return fallback.take(bucket, limit);
    }

    /**
     * The bucket's key: its limit's shape is part of it, so a limit whose permits or window change
     * starts new buckets instead of carrying on with the configuration stored beside the old ones.
     * One key per take, so every command of a take goes to one cluster slot.
     */
    private String key(BucketKey bucket) {
        RateLimit limit = bucket.limit();
        return keyPrefix + limit.name() + ':' + limit.permits() + '/' + limit.window() + ':' + bucket.bucket();
    }

    private static BucketConfiguration configuration(RateLimit limit) {
        return BucketConfiguration.builder().addLimit(BucketRateLimiter.bandwidth(limit)).build();
    }

    private static TimeMeter wallClock(InstantSource clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ClockNanos.epochNanos(clock.instant());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** Where takes go: Redis, or the fallback until {@code retryAt} (an {@link ClockNanos#elapsed} reading). */
    private record Route(boolean shared, long retryAt) {
        static Route fallbackFrom(long now, Duration fallbackFor) {
            return new Route(false, now + fallbackFor.toNanos());
        }
    }
}
