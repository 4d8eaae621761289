package io.shortlink.core;

import java.time.Duration;

/**
 * Where redirects drop their clicks. Implemented by {@link ClickBatcher} (counts folded
 * in-process into a {@link ClickLedger}) and by lib-events' Kafka sink.
 *
 * <p>Contract: thread-safe. {@link #append(Click)} never blocks on I/O: it either accepts the
 * click — then the sink delivers it or, at {@link #close()}, reports it undelivered — or refuses
 * it under the sink's stated overflow policy and counts the refusal. Nothing is dropped silently.
 */
public interface ClickSink extends AutoCloseable {

    /**
     * Hands over one click and returns at once.
     *
     * @return {@code true} if accepted; {@code false} if refused (sink full or closed), which the
     *         sink has counted through its {@link MetricsListener}
     */
    boolean append(Click click);

    /**
     * Hands over one click and waits, at most {@code timeout}, until it is durable: it survives a
     * crash of this process (applied by the ledger, acknowledged by the broker, or forced to a
     * local disk, as the sink defines). Clicks that wait together are made durable together (a
     * group commit), so the wait is about one write, not one write per click. Meant for a
     * virtual thread: it blocks the caller, never a carrier.
     *
     * <p>The default appends, then {@link #flush flushes}: right for a sink whose flush makes
     * everything accepted before it durable.
     *
     * @return {@link Ack#DURABLE}; {@link Ack#PENDING} when the timeout ran out first (the click
     *         stays accepted and is delivered later, as by {@link #append}); {@link Ack#REFUSED}
     *         when the sink refused it (counted, as by {@link #append})
     */
    default Ack appendAcknowledged(Click click, Duration timeout) throws InterruptedException {
        if (!append(click)) {
            return Ack.REFUSED;
        }
        return flush(timeout) ? Ack.DURABLE : Ack.PENDING;
    }

    /** What {@link #appendAcknowledged} could promise when it returned. */
    enum Ack {
        /** The click survives a crash of this process. */
        DURABLE,
        /** Accepted, not yet durable when the wait ended; delivered later unless the process dies first. */
        PENDING,
        /** Refused under the sink's overflow policy, and counted. */
        REFUSED
    }

    /**
     * Waits until every click accepted before this call has been delivered.
     *
     * @return {@code true} if all were delivered within {@code timeout}
     */
    boolean flush(Duration timeout) throws InterruptedException;

    /**
     * Stops accepting, delivers what is buffered within the sink's close timeout, and reports
     * the clicks it could not deliver through {@link MetricsListener#clicksUndelivered(long)}.
     * Idempotent.
     */
    @Override
    void close();

    /**
     * What the sink has accepted and not yet delivered, for gauges and health details. A snapshot:
     * cheap, never blocks on I/O.
     */
    default Backlog backlog() {
        return Backlog.NONE;
    }

    /**
     * Accepted, undelivered clicks.
     *
     * @param clicks    how many
     * @param oldestAge how long the oldest of them has waited ({@link Duration#ZERO} when none)
     */
    record Backlog(long clicks, Duration oldestAge) {
        public static final Backlog NONE = new Backlog(0, Duration.ZERO);
    }
}
