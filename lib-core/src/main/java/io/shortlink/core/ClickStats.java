package io.shortlink.core;

import java.time.Instant;
import java.util.List;

/**
 * Reads of the counts a {@link ClickLedger} keeps (a port): per link, per minute, and in all.
 * {@link io.shortlink.core.jdbc.JdbcClickLedger} writes what the server's JDBC implementation
 * reads; {@link io.shortlink.core.memory.InMemoryStore} keeps both in memory.
 *
 * <p>Implementations are thread-safe and may block on I/O; a store that cannot be reached
 * surfaces as {@link StoreUnavailableException}.
 */
public interface ClickStats {

    /** Clicks recorded for {@code code} so far; 0 for a code never clicked or never used. */
    long totalClicks(ShortCode code);

    /** The per-minute counts of {@code code} whose minute starts in {@code [from, to)}, in time order. */
    List<ClickSeries.MinuteCount> minutes(ShortCode code, Instant from, Instant to);

    /**
     * Clicks of {@code code} in the minutes that start at or after {@code since}, and, of those,
     * in the minutes that start at or after {@code recentSince} (a later instant).
     */
    Sums sumsSince(ShortCode code, Instant since, Instant recentSince);

    /** Links ever created and clicks ever recorded. */
    Totals totals();

    /**
     * @param since  clicks since the earlier instant
     * @param recent clicks since the later one
     */
    record Sums(long since, long recent) {
    }

    record Totals(long links, long clicks) {
    }
}
