package io.shortlink.core;

import java.time.Duration;

/**
 * Where redirects drop their clicks. Implemented by {@link ClickBatcher} (into a
 * {@link ClickLedger} in-process) and, in a later phase, by a Kafka publisher.
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
}
