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
    default void clicksPersisted(long count, Duration took) {
    }

    /** A batch of {@code count} clicks failed to apply for a transient reason and will be retried. */
    default void clickBatchFailed(long count, Throwable cause) {
    }

    /**
     * A retried batch of {@code count} clicks turned out to have been applied by an earlier
     * attempt whose acknowledgement was lost; it was not applied again (the clicks were counted by
     * {@link #clicksPersisted} now, once).
     */
    default void clickBatchAlreadyApplied(long count) {
    }

    /**
     * {@code count} clicks were refused by the ledger for a reason a retry cannot change and were
     * set aside (quarantined) so that later clicks are not held up behind them.
     */
    default void clicksQuarantined(long count, Throwable cause) {
    }

    /** {@code count} click events were delivered again and skipped by their event id. */
    default void clickEventsDuplicated(long count) {
    }

    /**
     * A background thread of a library ({@code name}) failed with {@code cause} and was
     * restarted. Its work was kept; nothing was lost, but a restart is always worth a look.
     */
    default void workerRestarted(String name, Throwable cause) {
    }

    /** At close, {@code count} accepted clicks could not be delivered. */
    default void clicksUndelivered(long count) {
    }

    /** {@code count} clicks were acknowledged by the broker (a Kafka sink). */
    default void clicksPublished(long count) {
    }

    /** {@code count} clicks went to the local spill because the broker could not take them. */
    default void clicksSpilled(long count) {
    }

    /** {@code count} clicks were replayed from the local spill and acknowledged by the broker. */
    default void clicksReplayed(long count) {
    }

    /**
     * Reading a spill segment found damage: {@code regions} damaged regions skipped
     * ({@code bytes} bytes), and whether the segment ended in a torn record.
     */
    default void spillDamaged(long regions, long bytes, boolean tornTail) {
    }

    /** An acknowledged append waited past its timeout; the click stays pending. */
    default void clickAckTimedOut() {
    }

    /** A lookup was answered by cache tier {@code tier} ("l1", "l2"), or missed it. */
    default void cacheLookup(String tier, boolean hit) {
    }

    /**
     * A cache miss asked {@code source} ("l2", or "store" for the link store) and waited
     * {@code took} for its answer, failures included. Called on the resolving thread, once per
     * source asked.
     */
    default void cacheLoadTime(String source, Duration took) {
    }

    /**
     * Cache tier {@code tier} ("l2") failed {@code operation}: "get" (read as a miss), "fill"
     * (dropped), "invalidate" (kept pending and retried), "decode" (a value this version cannot
     * read: a miss), "receive" (a malformed invalidation message: ignored) or "subscribe"
     * (listening for invalidations could not start: retried). No caller saw the failure. Called
     * on the thread that saw it: a request thread, or one of the tier's own.
     */
    default void cacheTierFailed(String tier, String operation, Throwable cause) {
    }

    /**
     * The circuit breaker in front of cache tier {@code tier} ("l2") moved to {@code state}:
     * "open" (the tier is skipped), "half_open" (a few calls probe it) or "closed" (in use).
     * Called once per transition.
     */
    default void cacheTierState(String tier, String state) {
    }

    /**
     * An invalidation between instances: {@code event} is "published" (this instance told the
     * others about a code), "received" (a code arrived from another instance or from this one) or
     * "dropped" (one that could not reach the shared tier was given up: too many were waiting).
     */
    default void cacheInvalidation(String event) {
    }

    /** {@code count} invalidations now wait for the shared tier to come back; called when it changes. */
    default void cacheInvalidationsPending(int count) {
    }

    /**
     * Cache tier {@code tier} ("l1") was emptied because invalidations from other instances may
     * have been missed: the shared tier came back after being unreachable.
     */
    default void cacheCleared(String tier) {
    }

    /** The listener that reports nothing. */
    static MetricsListener noop() {
        return NoopMetrics.INSTANCE;
    }
}

enum NoopMetrics implements MetricsListener {
    INSTANCE
}
