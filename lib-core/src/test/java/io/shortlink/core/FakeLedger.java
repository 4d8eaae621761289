package io.shortlink.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link ClickLedger} that keeps the contract (a batch id is applied once; a failure
 * applies nothing, except the lost acknowledgement, which applies everything) and fails on request.
 */
final class FakeLedger implements ClickLedger {
    private final List<ClickBatch> applied = new CopyOnWriteArrayList<>();
    private final Set<java.util.UUID> appliedIds = ConcurrentHashMap.newKeySet();
    private final List<java.util.UUID> attemptedIds = new CopyOnWriteArrayList<>();
    private final Set<ShortCode> refused = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger lostAcksLeft = new AtomicInteger();
    private final AtomicInteger errorsLeft = new AtomicInteger();
    private volatile boolean refuseAll;

    /** The next {@code times} calls throw {@link StoreUnavailableException} and apply nothing. */
    void failNext(int times) {
        failuresLeft.set(times);
    }

    /** The next {@code times} calls apply the batch, then throw as if the commit's answer was lost. */
    void applyThenFailNext(int times) {
        lostAcksLeft.set(times);
    }

    /** The next {@code times} calls throw an {@link Error}. */
    void errorNext(int times) {
        errorsLeft.set(times);
    }

    /** Every batch that counts {@code code} is refused for good. */
    void refuse(ShortCode code) {
        refused.add(code);
    }

    void refuseAll() {
        refuseAll = true;
    }

    @Override
    public boolean apply(ClickBatch batch) {
        attemptedIds.add(batch.id());
        if (errorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new TestError();
        }
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreUnavailableException("ledger down (test)", null);
        }
        if (refuseAll || batch.counts().stream().anyMatch(c -> refused.contains(c.code()))) {
            throw new ClickBatchRejectedException("refused (test)", null);
        }
        if (!appliedIds.add(batch.id())) {
            return false;
        }
        applied.add(batch);
        if (lostAcksLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreUnavailableException("connection lost during commit (test)", null);
        }
        return true;
    }

    int attempts() {
        return attemptedIds.size();
    }

    List<java.util.UUID> attemptedIds() {
        return List.copyOf(attemptedIds);
    }

    List<ClickBatch> applied() {
        return List.copyOf(applied);
    }

    List<List<ClickCount>> appliedCounts() {
        return applied.stream().map(ClickBatch::counts).toList();
    }

    long totalClicks() {
        return applied.stream().mapToLong(ClickBatch::clicks).sum();
    }

    Map<ShortCode, Long> clicksByCode() {
        Map<ShortCode, Long> out = new HashMap<>();
        for (ClickBatch b : applied) {
            for (ClickCount c : b.counts()) {
                out.merge(c.code(), c.clicks(), Long::sum);
            }
        }
        return out;
    }

    /** What a broken JVM or a bug in a ledger throws. */
    static final class TestError extends Error {
        TestError() {
            super("an Error from the ledger (test)");
        }
    }
}
