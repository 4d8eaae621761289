package io.shortlink.core;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Clicks folded into per-link, per-minute counts, under an id that makes applying them
 * idempotent: a ledger records the id in the same transaction as the counts and skips a batch
 * whose id it has already recorded. So a retry after an ambiguous failure (a commit whose
 * acknowledgement was lost) applies nothing twice.
 *
 * @param id     unique per batch; a retry reuses it, a different batch never does. Version-7
 *               UUIDs (time-ordered), so a ledger can purge old ids by key range
 * @param counts at least one, in {@link ClickCount} order, no two with the same code and minute
 */
public record ClickBatch(UUID id, List<ClickCount> counts) {

    public ClickBatch {
        Objects.requireNonNull(id, "id");
        counts = List.copyOf(counts);
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("a click batch holds at least one count");
        }
        for (int i = 1; i < counts.size(); i++) {
            if (counts.get(i - 1).compareTo(counts.get(i)) >= 0) {
                throw new IllegalArgumentException("counts must be sorted by code and minute without repeats, "
                        + counts.get(i - 1) + " then " + counts.get(i));
            }
        }
    }

    /** A batch with a fresh time-ordered id. */
    public static ClickBatch of(List<ClickCount> counts) {
        return new ClickBatch(Ids.timeOrdered(), counts);
    }

    /** How many clicks the batch counts. */
    public long clicks() {
        long sum = 0;
        for (ClickCount c : counts) {
            sum += c.clicks();
        }
        return sum;
    }
}
