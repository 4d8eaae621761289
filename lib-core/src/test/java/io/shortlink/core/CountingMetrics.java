package io.shortlink.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link MetricsListener} that counts what the click path reports. */
final class CountingMetrics implements MetricsListener {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong persisted = new AtomicLong();
    final AtomicLong batchesFailed = new AtomicLong();
    final AtomicLong alreadyApplied = new AtomicLong();
    final AtomicLong quarantined = new AtomicLong();
    final AtomicLong undelivered = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();

    @Override
    public void clickAccepted() {
        accepted.incrementAndGet();
    }

    @Override
    public void clickDropped() {
        dropped.incrementAndGet();
    }

    @Override
    public void clicksPersisted(long count, Duration took) {
        persisted.addAndGet(count);
    }

    @Override
    public void clickBatchFailed(long count, Throwable cause) {
        batchesFailed.incrementAndGet();
    }

    @Override
    public void clickBatchAlreadyApplied(long count) {
        alreadyApplied.addAndGet(count);
    }

    @Override
    public void clicksQuarantined(long count, Throwable cause) {
        quarantined.addAndGet(count);
    }

    @Override
    public void clicksUndelivered(long count) {
        undelivered.addAndGet(count);
    }

    @Override
    public void workerRestarted(String name, Throwable cause) {
        restarts.incrementAndGet();
    }
}
