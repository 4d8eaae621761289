package io.shortlink.server;

import io.shortlink.core.MetricsListener;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a click sink reported through its {@link MetricsListener}, as totals a test reads. */
final class ClickPathMetrics implements MetricsListener {
    /**
     * Each total: clicks, except {@link #FAILED_BATCHES}, {@link #WORKER_RESTARTS}, {@link #ACK_TIMEOUTS},
     * {@link #SPILL_DAMAGED_REGIONS} and {@link #SPILL_TORN_TAILS}, which count events.
     */
    enum Total {
        ACCEPTED, DROPPED, PERSISTED, FAILED_BATCHES, ALREADY_APPLIED, QUARANTINED, UNDELIVERED, WORKER_RESTARTS,
        DUPLICATED, PUBLISHED, SPILLED, REPLAYED, SPILL_DAMAGED_REGIONS, SPILL_TORN_TAILS, ACK_TIMEOUTS
    }

    private final Map<Total, LongAdder> totals = new EnumMap<>(Total.class);

    ClickPathMetrics() {
        for (Total t : Total.values()) {
            totals.put(t, new LongAdder());
        }
    }

    long get(Total total) {
        return totals.get(total).sum();
    }

    @Override
    public void clickAccepted() {
        totals.get(Total.ACCEPTED).increment();
    }

    @Override
    public void clickDropped() {
        totals.get(Total.DROPPED).increment();
    }

    @Override
    public void clicksPersisted(long count, Duration took) {
        totals.get(Total.PERSISTED).add(count);
    }

    @Override
    public void clickBatchFailed(long count, Throwable cause) {
        totals.get(Total.FAILED_BATCHES).increment();
    }

    @Override
    public void clickBatchAlreadyApplied(long count) {
        totals.get(Total.ALREADY_APPLIED).add(count);
    }

    @Override
    public void clicksQuarantined(long count, Throwable cause) {
        totals.get(Total.QUARANTINED).add(count);
    }

    @Override
    public void clicksUndelivered(long count) {
        totals.get(Total.UNDELIVERED).add(count);
    }

    @Override
    public void workerRestarted(String name, Throwable cause) {
        totals.get(Total.WORKER_RESTARTS).increment();
    }

    @Override
    public void clickEventsDuplicated(long count) {
        totals.get(Total.DUPLICATED).add(count);
    }

    @Override
    public void clicksPublished(long count) {
        totals.get(Total.PUBLISHED).add(count);
    }

    @Override
    public void clicksSpilled(long count) {
        totals.get(Total.SPILLED).add(count);
    }

    @Override
    public void clicksReplayed(long count) {
        totals.get(Total.REPLAYED).add(count);
    }

    @Override
    public void spillDamaged(long regions, long bytes, boolean tornTail) {
        totals.get(Total.SPILL_DAMAGED_REGIONS).add(regions);
        if (tornTail) {
            totals.get(Total.SPILL_TORN_TAILS).increment();
        }
    }

    @Override
    public void clickAckTimedOut() {
        totals.get(Total.ACK_TIMEOUTS).increment();
    }

    /** Every total, for failure messages. */
    @Override
    public String toString() {
        Map<Total, Long> now = new EnumMap<>(Total.class);
        totals.forEach((t, adder) -> now.put(t, adder.sum()));
        return now.toString();
    }
}
