package io.shortlink.server;

import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickBatchRejectedException;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.StoreUnavailableException;

import java.util.concurrent.atomic.AtomicLong;

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

    CountingLedger(ClickLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean apply(ClickBatch batch) {
        calls.incrementAndGet();
        try {
            boolean fresh = ledger.apply(batch);
            if (fresh) {
                applied.incrementAndGet();
            } else {
                alreadyApplied.incrementAndGet();
                clicksAlreadyApplied.addAndGet(batch.clicks());
            }
            return fresh;
        } catch (StoreUnavailableException e) {
            unavailable.incrementAndGet();
            throw e;
        } catch (ClickBatchRejectedException e) {
            refused.incrementAndGet();
            throw e;
        }
    }

    /** Calls of {@link #apply}: transactions begun. */
    long calls() {
        return calls.get();
    }

    /** Calls answered "applied by an earlier attempt": each one an acknowledgement that was lost. */
    long alreadyApplied() {
        return alreadyApplied.get();
    }

    /** The clicks of the batches {@link #alreadyApplied} counts. */
    long clicksAlreadyApplied() {
        return clicksAlreadyApplied.get();
    }

    /** Calls that failed with {@link StoreUnavailableException} (the sender retries them). */
    long unavailable() {
        return unavailable.get();
    }

    /** Calls that failed with {@link ClickBatchRejectedException} (the sender bisects or sets aside). */
    long refused() {
        return refused.get();
    }

    @Override
    public String toString() {
        return "calls=" + calls + " applied=" + applied + " alreadyApplied=" + alreadyApplied
                + " unavailable=" + unavailable + " refused=" + refused;
    }
}
