package io.shortlink.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.shortlink.core.access.RateLimit;

/** A bucket is named under its limit: the same name under two limits is two buckets. */
record BucketKey(RateLimit limit, String bucket) {

    /**
     * A map of what this process keeps per bucket (the bucket itself, or its proxy to Redis): at
     * most {@code maxBuckets}, each forgotten one window after its last use. After a take the
     * bucket is full again within one window (it lacks at most all of its permits, and a window
     * refills them all), and a forgotten bucket starts full, so forgetting it changes nothing.
     */
    static <V> Cache<BucketKey, V> perBucket(long maxBuckets, Ticker ticker) {
        return Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .ticker(ticker)
                .expireAfter(Expiry.accessing((BucketKey key, V value) -> key.limit().window()))
                .build();
    }
}
