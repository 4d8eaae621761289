package io.shortlink.cache;

import io.shortlink.core.MetricsListener;
import io.shortlink.core.testing.CountingMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Redis tier reports beyond the lookups, in order, as lines like {@code failed get},
 * {@code breaker open}, {@code invalidation received}, {@code pending 1}, {@code cleared l1};
 * the lookups counted, and in order in {@link CountingMetrics} when {@link #inOrder()} asked for
 * it (a unit test's few; under load that list would be the cost). Thread-safe.
 */
final class TierMetrics implements MetricsListener {
    private final CountingMetrics counting;
    private final Map<String, LongAdder> lookupCounts = new ConcurrentHashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private TierMetrics(CountingMetrics counting) {
        this.counting = counting;
    }

    /** Keeps every lookup in order, for {@link #lookups()}. */
    static TierMetrics inOrder() {
        return new TierMetrics(new CountingMetrics());
    }

    /** Counts lookups only ({@link #lookupCount}). */
    static TierMetrics counting() {
        return new TierMetrics(null);
    }

    /** Every cache lookup so far, oldest first, as {@code tier:hit} or {@code tier:miss}. */
    List<String> lookups() {
        return counting.lookups();
    }

    /** How many lookups were {@code lookup} ({@code l2:hit}, ...) so far. */
    long lookupCount(String lookup) {
        LongAdder count = lookupCounts.get(lookup);
        return count == null ? 0 : count.sum();
    }

    List<String> events() {
        return List.copyOf(events);
    }

    long count(String event) {
        return events.stream().filter(event::equals).count();
    }

    /** The causes of every {@code failed ...} event, oldest first. */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void cacheLookup(String tier, boolean hit) {
        lookupCounts.computeIfAbsent(tier + ":" + (hit ? "hit" : "miss"), k -> new LongAdder()).increment();
        if (counting != null) {
            counting.cacheLookup(tier, hit);
        }
    }

    @Override
    public void cacheLoadTime(String source, Duration took) {
        // Timings are not events; the ITs bound latency themselves.
    }

    @Override
    public void cacheTierFailed(String tier, String operation, Throwable cause) {
        failures.add(cause);
        events.add("failed " + operation);
    }

    @Override
    public void cacheTierState(String tier, String state) {
        events.add("breaker " + state);
    }

    @Override
    public void cacheInvalidation(String event) {
        events.add("invalidation " + event);
    }

    @Override
    public void cacheInvalidationsPending(int count) {
        events.add("pending " + count);
    }

    @Override
    public void cacheCleared(String tier) {
        events.add("cleared " + tier);
    }

    @Override
    public void workerRestarted(String name, Throwable cause) {
        events.add("worker restarted");
    }

    @Override
    public String toString() {
        return events.toString();
    }
}
