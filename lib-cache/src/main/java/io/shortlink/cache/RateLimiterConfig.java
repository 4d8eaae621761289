package io.shortlink.cache;

import static io.shortlink.core.ConfigRules.requireAtLeast;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link BucketRateLimiter} keeps its buckets. Validated on construction: a bad value fails
 * at start-up with a message naming the rule. Start from {@link #defaults()}.
 *
 * @param maxBuckets  most buckets held in process (all of them, or the fallback's while Redis
 *                    fails); beyond it the least used are forgotten, which gives their callers a
 *                    full bucket again
 * @param keyPrefix   put before every bucket's key in Redis, so several deployments (or test runs)
 *                    can share one Redis
 * @param sharedWait  the longest a take waits for Redis (all the commands of one take, retries of
 *                    a lost compare-and-swap included) before the fallback answers it
 * @param fallbackFor how long the limiter stays on its fallback after Redis failed a take, before
 *                    one take tries Redis again
 */
public record RateLimiterConfig(long maxBuckets, String keyPrefix, Duration sharedWait, Duration fallbackFor) {

    public RateLimiterConfig {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be at least 1, was " + maxBuckets);
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        // A hash tag in the prefix ({...}) would put every bucket in one cluster slot, one node.
        if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")
                || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("keyPrefix must be non-empty, without whitespace or braces, was '"
                    + keyPrefix + "'");
        }
        requireAtLeast("sharedWait", sharedWait, Duration.ofMillis(1));
        requireAtLeast("fallbackFor", fallbackFor, Duration.ofMillis(1));
    }

    /**
     * 100,000 buckets, prefix {@code shortlink:rl:}, 100 ms, 1 s.
     *
     * <ul>
     *   <li>100,000 buckets: ~450 bytes each in process (the bucket, its configuration, the
     *       map's entry; measured on JDK 25), plus its name, so ~50 MB at most. A bucket is
     *       forgotten once it would be full again anyway, so only callers seen within one window
     *       count against the bound.</li>
     *   <li>100 ms: a take is two Redis commands (read, then compare-and-swap); two of
     *       {@link RedisTierConfig#defaults()}' 50 ms command timeouts.</li>
     *   <li>1 s: a dead Redis costs one take one wait per second instead of every take its wait;
     *       a Redis back after an outage is shared again within about a second.</li>
     * </ul>
     */
    public static RateLimiterConfig defaults() {
        return new RateLimiterConfig(100_000, "shortlink:rl:", Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    public RateLimiterConfig withMaxBuckets(long value) {
        return new RateLimiterConfig(value, keyPrefix, sharedWait, fallbackFor);
    }

    public RateLimiterConfig withKeyPrefix(String value) {
        return new RateLimiterConfig(maxBuckets, value, sharedWait, fallbackFor);
    }

    public RateLimiterConfig withSharedWait(Duration value) {
        return new RateLimiterConfig(maxBuckets, keyPrefix, value, fallbackFor);
    }

    public RateLimiterConfig withFallbackFor(Duration value) {
        return new RateLimiterConfig(maxBuckets, keyPrefix, sharedWait, value);
    }
}
