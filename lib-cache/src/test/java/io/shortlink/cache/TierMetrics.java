package io.shortlink.cache;

import io.shortlink.core.MetricsListener;
import io.shortlink.core.testing.CountingMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link CountingMetrics} for the cache lookups, plus what the Redis tier reports beyond them,
 * in order, as lines like {@code failed get}, {@code breaker open}, {@code invalidation received},
 * {@code pending 1}, {@code cleared l1}. Thread-safe.
 */
final class TierMetrics implements MetricsListener {
    private final CountingMetrics counting = new CountingMetrics();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /** Every cache lookup so far, oldest first, as {@code tier:hit} or {@code tier:miss}. */
    List<String> lookups() {
        return counting.lookups();
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
        counting.cacheLookup(tier, hit);
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
