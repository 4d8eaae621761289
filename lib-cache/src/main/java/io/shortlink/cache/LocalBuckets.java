package io.shortlink.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimiter;

/**
 * Token buckets in this process: Bucket4j's lock-free local buckets in a Caffeine map bounded by
 * {@code maxBuckets}. A bucket is forgotten one window after its last take: by then it has
 * refilled completely, and a forgotten bucket starts full, so forgetting it changes nothing.
 */
final class LocalBuckets implements RateLimiter {
    private final Cache<BucketKey, Bucket> buckets;
    private final TimeMeter time;

    LocalBuckets(long maxBuckets, Ticker ticker) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = BucketKey.perBucket(maxBuckets, ticker);
    }

    @Override
    public Verdict take(String bucket, RateLimit limit) {
        Bucket tokens = buckets.get(new BucketKey(limit, bucket), this::newBucket);
        return BucketRateLimiter.verdict(limit, tokens.tryConsumeAndReturnRemaining(1));
    }

    /** For tests: how many buckets are held, after pending evictions and expiries. */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket newBucket(BucketKey key) {
        return Bucket.builder()
                .addLimit(BucketRateLimiter.bandwidth(key.limit()))
                .withCustomTimePrecision(time)
                .build();
    }
}
