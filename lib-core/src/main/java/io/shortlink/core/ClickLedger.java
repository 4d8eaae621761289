package io.shortlink.core;

import java.util.List;

/**
 * Where clicks are counted for good (a port; the server implements it with JDBC).
 *
 * <p>Contract: {@link #apply(List)} applies the whole batch in one transaction or none of it.
 * If it throws, nothing was applied and the caller may retry the same batch. Implementations
 * that record event ids apply a redelivered click at most once. Called by one thread at a time
 * per sink, but implementations must be thread-safe, as several sinks may share one.
 */
public interface ClickLedger {

    /**
     * Counts {@code clicks}: per-minute rollups, per-link totals, the global total.
     *
     * @throws StoreUnavailableException if the batch was not applied
     */
    void apply(List<Click> clicks);
}
