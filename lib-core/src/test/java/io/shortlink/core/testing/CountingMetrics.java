package io.shortlink.core.testing;

import io.shortlink.core.MetricsListener;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the libraries reported through their {@link MetricsListener}, as totals a test reads with
 * {@link #get}, and the cache lookups in the order they came. The one metrics double of every
 * module's tests (lib-core publishes it in its test-jar). Thread-safe.
 */
public final class CountingMetrics implements MetricsListener {
    /**
     * Each total: clicks, except {@link #FAILED_BATCHES}, {@link #WORKER_RESTARTS}, {@link #ACK_TIMEOUTS},
     * {@link #SPILL_DAMAGED_REGIONS} and {@link #SPILL_TORN_TAILS}, which count events.
     */
    public enum Total {
        ACCEPTED, DROPPED, PERSISTED, FAILED_BATCHES, ALREADY_APPLIED, QUARANTINED, UNDELIVERED, WORKER_RESTARTS,
        DUPLICATED, PUBLISHED, SPILLED, REPLAYED, SPILL_DAMAGED_REGIONS, SPILL_TORN_TAILS, ACK_TIMEOUTS
    }

    private final Map<Total, LongAdder> totals = new EnumMap<>(Total.class);
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    public CountingMetrics() {
        for (Total t : Total.values()) {
            totals.put(t, new LongAdder());
        }
    }

    public long get(Total total) {
        return totals.get(total).sum();
    }

    /** Every cache lookup so far, oldest first, as {@code tier:hit} or {@code tier:miss}. */
    public List<String> lookups() {
        return List.copyOf(lookups);
    }

    private void add(Total total, long n) {
        totals.get(total).add(n);
    }

    // One line each: which total every event adds to, and by how much.
    @Override public void clickAccepted() { add(Total.ACCEPTED, 1); }
    @Override public void clickDropped() { add(Total.DROPPED, 1); }
    @Override public void clicksPersisted(long count, Duration took) { add(Total.PERSISTED, count); }
    @Override public void clickBatchFailed(long count, Throwable cause) { add(Total.FAILED_BATCHES, 1); }
    @Override public void clickBatchAlreadyApplied(long count) { add(Total.ALREADY_APPLIED, count); }
    @Override public void clicksQuarantined(long count, Throwable cause) { add(Total.QUARANTINED, count); }
    @Override public void clickEventsDuplicated(long count) { add(Total.DUPLICATED, count); }
    @Override public void workerRestarted(String name, Throwable cause) { add(Total.WORKER_RESTARTS, 1); }
    @Override public void clicksUndelivered(long count) { add(Total.UNDELIVERED, count); }
    @Override public void clickAckTimedOut() { add(Total.ACK_TIMEOUTS, 1); }
    @Override public void clicksPublished(long count) { add(Total.PUBLISHED, count); }
    @Override public void clicksSpilled(long count) { add(Total.SPILLED, count); }
    @Override public void clicksReplayed(long count) { add(Total.REPLAYED, count); }

    @Override
    public void spillDamaged(long regions, long bytes, boolean tornTail) {
        add(Total.SPILL_DAMAGED_REGIONS, regions);
        add(Total.SPILL_TORN_TAILS, tornTail ? 1 : 0);
    }

    @Override
    public void cacheLookup(String tier, boolean hit) {
        lookups.add(tier + ":" + (hit ? "hit" : "miss"));
    }

    /** Every total, for failure messages. */
    @Override
    public String toString() {
        Map<Total, Long> now = new EnumMap<>(Total.class);
        totals.forEach((t, adder) -> now.put(t, adder.sum()));
        return now.toString();
    }
}
