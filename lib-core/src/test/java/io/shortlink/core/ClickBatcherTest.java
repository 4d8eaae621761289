package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class ClickBatcherTest {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final ShortCode CODE = new ShortCode("abc1234");

    /** Size 3, linger 1 s, room for 10; retries after 100 ms doubling to 400 ms. */
    private static final ClickBatcherConfig CONFIG = new ClickBatcherConfig(3, Duration.ofSeconds(1), 10,
            Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(400));

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final InstantSource clock = now::get;
    private final RecordingLedger ledger = new RecordingLedger();
    private final RecordingMetrics metrics = new RecordingMetrics();

    private ClickBatcher unstarted(ClickBatcherConfig config) {
        return ClickBatcher.unstarted(ledger, config, clock, metrics);
    }

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    private List<Click> appendClicks(ClickBatcher batcher, int n) {
        List<Click> clicks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Click click = Click.of(CODE, now.get());
            assertTrue(batcher.append(click), "append " + i);
            clicks.add(click);
        }
        return clicks;
    }

    // --- the size trigger

    @Test
    void sends_whenBatchSizeReached_beforeLingerElapses() {
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 2);
        assertFalse(batcher.sendIfReady(), "2 of 3, linger not elapsed");

        clicks.addAll(appendClicks(batcher, 1));

        assertTrue(batcher.sendIfReady());
        assertEquals(List.of(clicks), ledger.applied());
        assertEquals(0, batcher.buffered());
    }

    @Test
    void batches_neverExceedBatchSize() {
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 7);

        assertTrue(batcher.sendIfReady());
        assertTrue(batcher.sendIfReady());
        assertFalse(batcher.sendIfReady(), "the seventh click waits for linger");

        assertEquals(List.of(clicks.subList(0, 3), clicks.subList(3, 6)), ledger.applied());
        assertEquals(1, batcher.buffered());
    }

    // --- the linger trigger

    @Test
    void sends_whenOldestClickHasLingered_notBefore() {
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 1);

        advance(Duration.ofMillis(999));
        assertFalse(batcher.sendIfReady());

        advance(Duration.ofMillis(1));
        assertTrue(batcher.sendIfReady());
        assertEquals(List.of(clicks), ledger.applied());
    }

    @Test
    void linger_isMeasuredFromTheOldestClick() {
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 1);
        advance(Duration.ofMillis(600));
        clicks.addAll(appendClicks(batcher, 1));

        advance(Duration.ofMillis(400));

        assertTrue(batcher.sendIfReady());
        assertEquals(List.of(clicks), ledger.applied());
    }

    @Test
    void nothingIsSent_whenNothingIsBuffered() {
        ClickBatcher batcher = unstarted(CONFIG);
        advance(Duration.ofHours(1));

        assertFalse(batcher.sendIfReady());
        assertEquals(List.of(), ledger.applied());
    }

    // --- overflow: refuse and count

    @Test
    void append_refusesAndCounts_beyondCapacity() {
        ClickBatcher batcher = unstarted(CONFIG);
        int accepted = 0;
        for (int i = 0; i < CONFIG.capacity() + 5; i++) {
            if (batcher.append(Click.of(CODE, T0))) {
                accepted++;
            }
        }

        assertEquals(CONFIG.capacity(), accepted);
        assertEquals(CONFIG.capacity(), batcher.buffered());
        assertEquals(CONFIG.capacity(), metrics.accepted.get());
        assertEquals(5, metrics.dropped.get());
    }

    @Test
    void append_acceptsAgain_onceABatchIsApplied() {
        ClickBatcher batcher = unstarted(CONFIG);
        appendClicks(batcher, CONFIG.capacity());
        assertFalse(batcher.append(Click.of(CODE, T0)));

        batcher.sendIfReady();

        assertTrue(batcher.append(Click.of(CODE, T0)));
    }

    // --- close

    @Test
    void close_sendsEverythingBuffered_thenRefusesAppends() {
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 5);

        batcher.close();

        assertEquals(clicks, ledger.appliedClicks());
        assertEquals(0, batcher.buffered());
        assertEquals(0, metrics.undelivered.get());
        assertFalse(batcher.append(Click.of(CODE, T0)));
        assertEquals(1, metrics.dropped.get());
    }

    @Test
    void close_isIdempotent() {
        ClickBatcher batcher = unstarted(CONFIG);
        appendClicks(batcher, 2);

        batcher.close();
        batcher.close();

        assertEquals(1, ledger.applied().size());
    }

    // --- failures: keep, back off, retry the same batch

    @Test
    void failedBatch_isRetriedUnchanged_afterBackoff() {
        ledger.failNext(1);
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 3);

        assertTrue(batcher.sendIfReady(), "first attempt, fails");
        assertEquals(3, batcher.buffered(), "nothing applied, nothing lost");
        advance(Duration.ofMillis(99));
        assertFalse(batcher.sendIfReady(), "still backing off");

        advance(Duration.ofMillis(1));
        assertTrue(batcher.sendIfReady());

        assertEquals(List.of(clicks, clicks), ledger.attempts());
        assertEquals(List.of(clicks), ledger.applied());
        assertEquals(1, metrics.batchesFailed.get());
        assertEquals(3, metrics.persisted.get());
    }

    @Test
    void backoff_doublesPerFailure_upToMaxBackoff() {
        ledger.failNext(4);
        ClickBatcher batcher = unstarted(CONFIG);
        appendClicks(batcher, 3);
        assertTrue(batcher.sendIfReady());

        for (Duration pause : List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(400))) {
            advance(pause.minusMillis(1));
            assertFalse(batcher.sendIfReady(), "before " + pause);
            advance(Duration.ofMillis(1));
            assertTrue(batcher.sendIfReady(), "at " + pause);
        }

        assertEquals(5, ledger.attempts().size());
        assertEquals(1, ledger.applied().size());
        assertEquals(4, metrics.batchesFailed.get());
    }

    @Test
    void failure_losesNothing_duplicatesNothing_reordersNothing() {
        ledger.failNext(2);
        ClickBatcher batcher = unstarted(CONFIG);
        List<Click> clicks = appendClicks(batcher, 3);
        batcher.sendIfReady();
        clicks.addAll(appendClicks(batcher, 4));

        advance(Duration.ofMillis(100));
        batcher.sendIfReady();
        advance(Duration.ofMillis(200));
        batcher.sendIfReady();
        batcher.close();

        assertEquals(clicks, ledger.appliedClicks());
        assertEquals(clicks.get(0), ledger.applied().getFirst().getFirst(), "the failed batch went first");
        assertEquals(0, metrics.undelivered.get());
    }

    @Test
    void backoff_resets_afterASuccess() {
        ledger.failNext(2);
        ClickBatcher batcher = unstarted(CONFIG);
        appendClicks(batcher, 3);
        batcher.sendIfReady();
        advance(Duration.ofMillis(100));
        batcher.sendIfReady();
        advance(Duration.ofMillis(200));
        assertTrue(batcher.sendIfReady(), "succeeds");

        ledger.failNext(1);
        appendClicks(batcher, 3);
        assertTrue(batcher.sendIfReady(), "fails");
        advance(Duration.ofMillis(100));

        assertTrue(batcher.sendIfReady(), "retried after retryBackoff again, not 400 ms");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void close_reportsUndelivered_whenLedgerKeepsFailing() {
        ledger.failNext(Integer.MAX_VALUE);
        ClickBatcherConfig config = new ClickBatcherConfig(3, Duration.ofMillis(5), 100, Duration.ofMillis(200),
                Duration.ofMillis(10), Duration.ofMillis(40));
        ClickBatcher batcher = ClickBatcher.start(ledger, config, InstantSource.system(), metrics);
        appendClicks(batcher, 7);

        batcher.close();

        assertEquals(7, metrics.undelivered.get());
        assertEquals(List.of(), ledger.applied());
        assertFalse(ledger.attempts().isEmpty(), "it kept trying");
        assertFalse(batcher.append(Click.of(CODE, T0)));
    }

    // --- flush, with the drain thread running

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void flush_returnsTrue_onceEverythingAcceptedIsApplied() throws InterruptedException {
        ClickBatcherConfig lingersLong = CONFIG.withLinger(Duration.ofMinutes(10)).withCapacity(100).withBatchSize(100);
        try (ClickBatcher batcher = ClickBatcher.start(ledger, lingersLong, InstantSource.system(), metrics)) {
            List<Click> clicks = appendClicks(batcher, 5);

            assertTrue(batcher.flush(Duration.ofSeconds(5)));

            assertEquals(clicks, ledger.appliedClicks());
            assertEquals(0, batcher.buffered());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void flush_returnsFalse_whenTimeoutElapsesFirst() throws InterruptedException {
        ledger.failNext(Integer.MAX_VALUE);
        ClickBatcherConfig config = CONFIG.withCloseTimeout(Duration.ofMillis(50));
        try (ClickBatcher batcher = ClickBatcher.start(ledger, config, InstantSource.system(), metrics)) {
            appendClicks(batcher, 2);

            assertFalse(batcher.flush(Duration.ofMillis(50)));
        }
    }

    @Test
    void flush_returnsTrue_atOnce_whenNothingIsPending() throws InterruptedException {
        ClickBatcher batcher = unstarted(CONFIG);

        assertTrue(batcher.flush(Duration.ZERO));
    }

    // --- many writers

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentAppends_areAllAppliedExactlyOnce() throws InterruptedException {
        int threads = 8;
        int perThread = 10_000;
        ClickBatcherConfig config = ClickBatcherConfig.defaults().withLinger(Duration.ofMillis(5));
        try (ClickBatcher batcher = ClickBatcher.start(ledger, config, InstantSource.system(), metrics)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        batcher.append(Click.of(CODE, Instant.now()));
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }

            assertTrue(batcher.flush(Duration.ofSeconds(20)));
        }

        List<Click> applied = ledger.appliedClicks();
        Set<UUID> ids = new HashSet<>();
        applied.forEach(click -> ids.add(click.eventId()));
        assertEquals(threads * perThread, applied.size());
        assertEquals(threads * perThread, ids.size(), "no duplicates");
        assertEquals(0, metrics.dropped.get());
        assertTrue(ledger.applied().stream().allMatch(batch -> batch.size() <= config.batchSize()));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentAppends_beyondCapacity_areEachAppliedOrCountedDropped() throws InterruptedException {
        int threads = 8;
        int perThread = 10_000;
        ClickBatcherConfig small = ClickBatcherConfig.defaults().withLinger(Duration.ofMillis(1))
                .withBatchSize(100).withCapacity(500);
        AtomicLong refused = new AtomicLong();
        try (ClickBatcher batcher = ClickBatcher.start(ledger, small, InstantSource.system(), metrics)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (!batcher.append(Click.of(CODE, Instant.now()))) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }

            assertTrue(batcher.flush(Duration.ofSeconds(20)));
        }

        long applied = ledger.appliedClicks().size();
        assertEquals(threads * perThread, applied + refused.get());
        assertEquals(refused.get(), metrics.dropped.get());
        assertEquals(applied, metrics.accepted.get());
        assertEquals(applied, ledger.appliedClicks().stream().map(Click::eventId).distinct().count());
    }

    @Test
    void drainThread_isOneNamedDaemon() {
        try (ClickBatcher batcher = ClickBatcher.start(ledger, CONFIG, clock, metrics)) {
            List<Thread> drainers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(ClickBatcher.THREAD_NAME)).toList();

            assertEquals(1, drainers.size());
            assertTrue(drainers.getFirst().isDaemon());
            assertFalse(drainers.getFirst().isVirtual());
        }
    }

    // --- config

    @Test
    void config_refusesCapacitySmallerThanBatchSize_namingTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withBatchSize(10).withCapacity(5));

        assertTrue(e.getMessage().contains("capacity") && e.getMessage().contains("batchSize"), e.getMessage());
    }

    @Test
    void config_refusesMaxBackoffShorterThanRetryBackoff() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClickBatcherConfig(1, Duration.ofMillis(1), 1, Duration.ofSeconds(1),
                        Duration.ofSeconds(2), Duration.ofSeconds(1)));

        assertTrue(e.getMessage().contains("maxBackoff"), e.getMessage());
    }

    @Test
    void config_refusesNonPositiveDurations() {
        assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withLinger(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withCloseTimeout(Duration.ofMillis(-1)));
    }

    /** A ledger that keeps what it was given and fails on request, applying nothing when it fails. */
    private static final class RecordingLedger implements ClickLedger {
        private final List<List<Click>> attempts = new CopyOnWriteArrayList<>();
        private final List<List<Click>> applied = new CopyOnWriteArrayList<>();
        private final AtomicInteger failuresLeft = new AtomicInteger();

        void failNext(int times) {
            failuresLeft.set(times);
        }

        @Override
        public void apply(List<Click> clicks) {
            List<Click> copy = List.copyOf(clicks);
            attempts.add(copy);
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new StoreUnavailableException("ledger down (test)", null);
            }
            applied.add(copy);
        }

        List<List<Click>> attempts() {
            return List.copyOf(attempts);
        }

        List<List<Click>> applied() {
            return List.copyOf(applied);
        }

        List<Click> appliedClicks() {
            return applied.stream().flatMap(List::stream).toList();
        }
    }

    private static final class RecordingMetrics implements MetricsListener {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong persisted = new AtomicLong();
        final AtomicLong batchesFailed = new AtomicLong();
        final AtomicLong undelivered = new AtomicLong();

        @Override
        public void clickAccepted() {
            accepted.incrementAndGet();
        }

        @Override
        public void clickDropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void clicksPersisted(int count, Duration took) {
            persisted.addAndGet(count);
        }

        @Override
        public void clickBatchFailed(int count, Throwable cause) {
            batchesFailed.incrementAndGet();
        }

        @Override
        public void clicksUndelivered(long count) {
            undelivered.addAndGet(count);
        }
    }
}
