package io.shortlink.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The linger stretches while batches take long to apply, within bounds, and comes back. */
final class ClickBatcherLingerTest {
    private static final ShortCode A = new ShortCode("aaaa111");
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    /** Linger 100 ms; batches of up to 1,000 keys. */
    private static final ClickBatcherConfig CONFIG = ClickBatcherConfig.defaults()
            .withLinger(Duration.ofMillis(100)).withBatchKeys(1_000);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** How long, by the ticker, the next apply takes. */
    private final AtomicLong applyTakes = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final ClickBatcher batcher = ClickBatcher.builder(batch -> {
        nanos.addAndGet(applyTakes.get());
        applied.addAndGet(batch.clicks());
        return true;
    }).config(CONFIG).ticker(nanos::get).unstarted();

    @Test
    void aBatchThatTookLong_stretchesTheNextLinger_toLedgerShareTimesIt() {
        sendOneBatchTaking(Duration.ofMillis(15));

        assertLingerIs(Duration.ofMillis(15 * ClickBatcher.LEDGER_SHARE));
    }

    @Test
    void theStretch_isBoundedByMaxLingerStretch() {
        sendOneBatchTaking(Duration.ofSeconds(2));

        assertLingerIs(CONFIG.linger().multipliedBy(ClickBatcher.MAX_LINGER_STRETCH));
    }

    @Test
    void aQuickBatch_bringsTheConfiguredLingerBack() {
        sendOneBatchTaking(Duration.ofMillis(40));
        advance(Duration.ofMillis(800));
        sendOneBatchTaking(Duration.ofMillis(1));

        assertLingerIs(CONFIG.linger());
    }

    @Test
    void aQuickLedger_keepsTheConfiguredLinger() {
        sendOneBatchTaking(Duration.ofMillis(2));

        assertLingerIs(CONFIG.linger());
    }

    /** A click waits; the batch goes once the (configured) linger has passed, taking {@code took}. */
    private void sendOneBatchTaking(Duration took) {
        applyTakes.set(took.toNanos());
        long before = applied.get();
        assertTrue(batcher.append(Click.of(A, T0)));
        for (int i = 0; i < 100 && applied.get() == before; i++) {
            batcher.sendIfReady();
            advance(Duration.ofMillis(100));
        }
        assertEquals(before + 1, applied.get(), "the click was applied");
    }

    /** The next click waits exactly {@code linger}: not sent a nanosecond before, sent at it. */
    private void assertLingerIs(Duration linger) {
        applyTakes.set(0);
        assertTrue(batcher.append(Click.of(A, T0)));
        advance(linger.minusNanos(1));
        assertFalse(batcher.sendIfReady(), "sent before " + linger);
        advance(Duration.ofNanos(1));
        assertTrue(batcher.sendIfReady(), "not sent at " + linger);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
