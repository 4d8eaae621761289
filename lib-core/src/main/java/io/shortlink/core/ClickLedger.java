package io.shortlink.core;

import java.util.List;
import java.util.Map;

/**
 * Where clicks are counted for good (a port; the server implements it with JDBC).
 *
 * <p>Contract: every method applies all of its input in one transaction or none of it, and
 * applying the same input twice changes nothing the second time — a batch by its id, an event by
 * its event id, a stream range by its position. So a caller that does not know whether an
 * attempt committed (a connection lost during COMMIT) simply retries the same input. Failures are
 * one of two kinds: {@link StoreUnavailableException} (the store did not answer; retry later) or
 * {@link ClickBatchRejectedException} (the store refused this input; retrying cannot help). Thread-safe:
 * several senders may share one ledger.
 */
public interface ClickLedger {

    /**
     * Adds the batch's counts to the per-minute rollups, the per-link totals and the global total,
     * and records the batch id, in one transaction; a batch whose id was recorded before is skipped.
     *
     * @return {@code true} if this call applied the batch; {@code false} if it had been applied
     *         before (by an attempt whose acknowledgement was lost), and nothing changed now
     * @throws StoreUnavailableException   nothing was applied, or, when the failure hit the commit,
     *                                     perhaps all of it: retrying the same batch settles which
     * @throws ClickBatchRejectedException nothing was applied, and the same batch would fail again
     */
    boolean apply(ClickBatch batch);

    /**
     * Records click events read from a partitioned stream and moves the reader's positions, in one
     * transaction: each event is kept at most once by its event id (one seen before — the same
     * click delivered twice, say replayed from a spill — is skipped and counted as a duplicate),
     * the new ones are added to rollups and totals, and each range's stored position moves from
     * its {@code from} to its {@code next}. A range may carry no events (offsets of records that
     * were set aside).
     *
     * @throws PositionConflictException   a stored position is not the range's {@code from}: another
     *                                     reader moved it. Nothing was applied; read
     *                                     {@link #positions} again and continue from there
     * @throws StoreUnavailableException   as for {@link #apply}
     * @throws ClickBatchRejectedException as for {@link #apply}
     */
    default Recorded record(List<Click> events, List<StreamRange> ranges) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record click events");
    }

    /**
     * The next position to read of each partition of {@code stream}, as recorded by {@link #record};
     * partitions never recorded are absent.
     *
     * @throws StoreUnavailableException if the store did not answer
     */
    default Map<Integer, Long> positions(String stream) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record click events");
    }

    /**
     * Sets the stored position of one partition of {@code stream}, whatever it was: for a reader
     * that finds the stored position beyond the end of the partition (the topic was deleted and
     * made again), so that it can read the new partition from its start. Events applied again
     * that way are still kept once by their event ids, within the ledger's retention.
     *
     * @throws StoreUnavailableException if the store did not answer
     */
    default void resetPosition(String stream, int partition, long position) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record click events");
    }

    /**
     * What {@link #record} did.
     *
     * @param events     events counted now
     * @param duplicates events skipped because their event id was recorded before
     */
    record Recorded(int events, int duplicates) {
    }
}
