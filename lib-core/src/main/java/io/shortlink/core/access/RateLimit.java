package io.shortlink.core.access;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: {@code permits} requests per {@code window}, refilled steadily (one permit every
 * {@code window / permits}), at most {@code permits} at once. {@code 600 per 1 minute} lets a
 * client send 600 at once after a quiet minute, then 10 a second.
 *
 * @param name    the policy's name in {@code RateLimit-Policy} headers and metrics (e.g. {@code key})
 * @param permits the bucket's size and the permits added per window; at least 1
 * @param window  how long a full refill takes; at least one second
 */
public record RateLimit(String name, long permits, Duration window) {

    public RateLimit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(window, "window");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a rate limit's name is lower-case letters, digits and '-' (got '"
                    + name + "')");
        }
        if (permits < 1) {
            throw new IllegalArgumentException("rate limit '" + name + "': permits must be at least 1 (got "
                    + permits + ")");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("rate limit '" + name + "': window must be at least 1s (got "
                    + window + ")");
        }
    }

    /** How long one permit takes to come back. */
    public Duration refillEvery() {
        return window.dividedBy(permits);
    }
}
