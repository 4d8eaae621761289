package io.shortlink.core.access;

import java.time.Duration;
import java.util.Objects;

/**
 * Token buckets by name: a port, so a host chooses where the buckets live (one process, or shared
 * by every instance through Redis — lib-cache has both).
 *
 * <p>Contract: thread-safe; {@link #take} never throws and never blocks longer than the
 * implementation's stated bound — a limiter whose shared store fails answers from its own
 * process meanwhile (limits then hold per instance, not across them); memory is bounded (a bucket
 * left alone long enough to be full again may be forgotten, which is the same as full).
 */
@FunctionalInterface
public interface RateLimiter {

    /**
     * Takes one permit from the bucket {@code bucket} (any text naming who is limited, e.g.
     * {@code key:abc123}) shaped by {@code limit}; the bucket is created full on first use.
     */
    Verdict take(String bucket, RateLimit limit);

    /** Allows everything (limits switched off). */
    static RateLimiter unlimited() {
        return (bucket, limit) -> Verdict.allowed(limit, limit.permits(), Duration.ZERO);
    }

    /**
     * What a {@link #take} decided, with what the {@code RateLimit} headers tell the client.
     *
     * @param limit      the limit applied
     * @param allowed    whether a permit was taken
     * @param remaining  permits left after this call
     * @param reset      how long until the bucket is full again
     * @param retryAfter when refused, how long until a permit is free; zero when allowed
     */
    record Verdict(RateLimit limit, boolean allowed, long remaining, Duration reset, Duration retryAfter) {
        public Verdict {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(reset, "reset");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (remaining < 0 || reset.isNegative() || retryAfter.isNegative()) {
                throw new IllegalArgumentException("a verdict's counts and durations are never negative");
            }
        }

        public static Verdict allowed(RateLimit limit, long remaining, Duration reset) {
            return new Verdict(limit, true, remaining, reset, Duration.ZERO);
        }

        public static Verdict refused(RateLimit limit, Duration reset, Duration retryAfter) {
            return new Verdict(limit, false, 0, reset, retryAfter);
        }
    }
}
