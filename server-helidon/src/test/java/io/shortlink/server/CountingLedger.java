package io.shortlink.server;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickBatchRejectedException;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.StreamRange;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A {@link ClickLedger} that passes every call on to a real one and counts the answers: each call
 * is one transaction, so the counts say how hard a sender worked the database and what it heard.
 */
final class CountingLedger implements ClickLedger {
    private final ClickLedger ledger;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong alreadyApplied = new AtomicLong();
    private final AtomicLong clicksAlreadyApplied = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong eventsRecorded = new AtomicLong();
    private final AtomicLong eventsDuplicated = new AtomicLong();
    private final AtomicLong positionConflicts = new AtomicLong();

    CountingLedger(ClickLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean apply(ClickBatch batch) {
        boolean fresh = counted(() -> ledger.apply(batch));
        if (fresh) {
            applied.incrementAndGet();
        } else {
            alreadyApplied.incrementAndGet();
            clicksAlreadyApplied.addAndGet(batch.clicks());
        }
        return fresh;
    }

    @Override
    public Recorded record(List<Click> events, List<StreamRange> ranges) {
        Recorded done = counted(() -> ledger.record(events, ranges));
        eventsRecorded.addAndGet(done.events());
        eventsDuplicated.addAndGet(done.duplicates());
        return done;
    }

    /** One call, one transaction: counted, and its failure counted by kind. */
    private <T> T counted(Supplier<T> call) {
        calls.incrementAndGet();
        try {
            return call.get();
        } catch (StoreUnavailableException e) {
            unavailable.incrementAndGet();
            throw e;
        } catch (ClickBatchRejectedException e) {
            refused.incrementAndGet();
            throw e;
        } catch (PositionConflictException e) {
            positionConflicts.incrementAndGet();
            throw e;
        }
    }

    @Override
    public Map<Integer, Long> positions(String stream) {
        return ledger.positions(stream);
    }

    @Override
    public void resetPosition(String stream, int partition, long position) {
        ledger.resetPosition(stream, partition, position);
    }

    /** What the ledger has counted so far. */
    Counts counts() {
        return new Counts(calls.get(), applied.get(), alreadyApplied.get(), clicksAlreadyApplied.get(), unavailable.get(),
                refused.get(), eventsRecorded.get(), eventsDuplicated.get(), positionConflicts.get());
    }

    /**
     * The counts at one moment.
     *
     * @param calls                calls of {@link #apply} and {@link #record}: transactions begun
     * @param applied              calls of {@link #apply} answered "applied now"
     * @param alreadyApplied       calls answered "applied by an earlier attempt": each one an acknowledgement that was lost
     * @param clicksAlreadyApplied the clicks of the batches {@code alreadyApplied} counts
     * @param unavailable          calls that failed with {@link StoreUnavailableException} (the sender retries them)
     * @param refused              calls that failed with {@link ClickBatchRejectedException} (the sender bisects or sets aside)
     * @param eventsRecorded       events {@link #record} counted as new
     * @param eventsDuplicated     events {@link #record} skipped because their event id was recorded before: each one
     *                             delivered twice
     * @param positionConflicts    calls that failed with {@link PositionConflictException}
     */
    record Counts(long calls, long applied, long alreadyApplied, long clicksAlreadyApplied, long unavailable, long refused,
                  long eventsRecorded, long eventsDuplicated, long positionConflicts) {
    }

    @Override
    public String toString() {
        return counts().toString();
    }
}
