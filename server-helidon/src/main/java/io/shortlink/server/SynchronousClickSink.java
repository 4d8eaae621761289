package io.shortlink.server;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.ClickSink;
import io.shortlink.core.MetricsListener;

import java.time.Duration;
import java.util.List;

/**
 * The plan's starting point, kept to measure "before" against "after" (docs/perf/phase1.md):
 * every redirect writes its click to the database itself, in its own transaction, before it
 * answers. It breaks {@link ClickSink}'s promise never to block on I/O on purpose; never use it
 * to serve. Selected by {@code shortlink.clicks.mode: synchronous}.
 */
final class SynchronousClickSink implements ClickSink {
    private final ClickLedger ledger;
    private final MetricsListener metrics;

    SynchronousClickSink(ClickLedger ledger, MetricsListener metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    @Override
    public boolean append(Click click) {
        long start = System.nanoTime();
        ledger.apply(ClickBatch.of(List.of(new ClickCount(click.code(), ClickCount.epochMinute(click.at()), 1))));
        metrics.clickAccepted();
        metrics.clicksPersisted(1, Duration.ofNanos(System.nanoTime() - start));
        return true;
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public void close() {
        // nothing is buffered
    }
}
