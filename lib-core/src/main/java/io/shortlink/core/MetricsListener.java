package io.shortlink.core;

import java.time.Duration;

/**
 * What the libraries report. The server turns these calls into Prometheus meters; libraries
 * know no registry. Implementations must be thread-safe and cheap: methods are called on the
 * redirect path. Every method has a no-op default, so an implementation overrides what it
 * exports.
 */
public interface MetricsListener {

    /** A click was accepted by a sink. */
    default void clickAccepted() {
    }

    /** A click was refused by a sink (buffer full or sink closed). */
    default void clickDropped() {
    }

    /** {@code count} clicks were applied by a ledger, in a batch that took {@code took}. */
    default void clicksPersisted(int count, Duration took) {
    }

    /** A batch of {@code count} clicks failed to apply and will be retried. */
    default void clickBatchFailed(int count, Throwable cause) {
    }

    /** At close, {@code count} accepted clicks could not be delivered. */
    default void clicksUndelivered(long count) {
    }

    /** A lookup was answered by cache tier {@code tier} ("l1", "l2"), or missed it. */
    default void cacheLookup(String tier, boolean hit) {
    }

    /** The listener that reports nothing. */
    static MetricsListener noop() {
        return NoopMetrics.INSTANCE;
    }
}

enum NoopMetrics implements MetricsListener {
    INSTANCE
}
