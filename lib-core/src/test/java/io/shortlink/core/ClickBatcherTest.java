package io.shortlink.core;

import static io.shortlink.core.testing.CountingMetrics.Total.ACCEPTED;
import static io.shortlink.core.testing.CountingMetrics.Total.ALREADY_APPLIED;
import static io.shortlink.core.testing.CountingMetrics.Total.DROPPED;
import static io.shortlink.core.testing.CountingMetrics.Total.FAILED_BATCHES;
import static io.shortlink.core.testing.CountingMetrics.Total.PERSISTED;
import static io.shortlink.core.testing.CountingMetrics.Total.QUARANTINED;
import static io.shortlink.core.testing.CountingMetrics.Total.UNDELIVERED;
import static io.shortlink.core.testing.CountingMetrics.Total.WORKER_RESTARTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.testing.CountingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class ClickBatcherTest {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final ShortCode A = new ShortCode("aaaa111");
    private static final ShortCode B = new ShortCode("bbbb222");
    private static final ShortCode C = new ShortCode("cccc333");
    private static final ShortCode POISON = new ShortCode("poison1");
    private static final ShortCode POISON_A = new ShortCode("poisonA");
    private static final ShortCode POISON_B = new ShortCode("poisonB");

    /** Linger 1 s, 3 keys per batch, 10 keys held; retries after 100 ms doubling to 400 ms. */
    private static final ClickBatcherConfig CONFIG = new ClickBatcherConfig(Duration.ofSeconds(1), 3, 10,
            Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(400));
    private static final ClickBatcherConfig LINGER_1MS = CONFIG.withLinger(Duration.ofMillis(1));

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = nanos::get;
    private final FakeLedger ledger = new FakeLedger();
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<ClickBatch> quarantined = new ArrayList<>();

    private ClickBatcher unstarted(ClickBatcherConfig config) {
        return ClickBatcher.builder(ledger).config(config).ticker(ticker).metrics(metrics)
                .quarantine((batch, cause) -> quarantined.add(batch)).unstarted();
    }

    private ClickBatcher started(ClickBatcherConfig config) {
        return ClickBatcher.builder(ledger).config(config).metrics(metrics)
                .quarantine((batch, cause) -> quarantined.add(batch)).start();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Moves the clock by {@code pause}, then lets the batcher send if a batch is due. */
    private boolean sendAfter(ClickBatcher batcher, Duration pause) {
        advance(pause);
        return batcher.sendIfReady();
    }

    private static void click(ClickBatcher batcher, ShortCode code, Instant at, int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(batcher.append(Click.of(code, at)), "append " + code + " #" + i);
        }
    }

    /** An unstarted batcher with {@link #CONFIG}, holding {@code clicks} clicks on A at T0. */
    private ClickBatcher holdingClicksOnA(int clicks) {
        ClickBatcher batcher = unstarted(CONFIG);
        click(batcher, A, T0, clicks);
        return batcher;
    }

    private static ClickCount count(ShortCode code, Instant minute, long clicks) {
        return new ClickCount(code, ClickCount.epochMinute(minute), clicks);
    }

    // --- folding

    @Test
    void clicksOnOneLinkInOneMinute_foldIntoOneCount() {
        ClickBatcher batcher = unstarted(CONFIG);
        click(batcher, A, T0, 500);
        click(batcher, A, T0.plusSeconds(59), 500);

        batcher.close();

        assertEquals(List.of(List.of(count(A, T0, 1_000))), ledger.appliedCounts());
        assertEquals(1_000, metrics.get(PERSISTED));
    }

    @Test
    void minutes_areKeptApart_byEachClicksOwnTime_evenOutOfOrder() {
        ClickBatcher batcher = unstarted(CONFIG);
        click(batcher, A, T0.plusSeconds(60), 2);
        click(batcher, A, T0, 1);   // late click of the minute before
        click(batcher, A, T0.plusSeconds(61), 1);

        batcher.close();

        assertEquals(List.of(List.of(count(A, T0, 1), count(A, T0.plusSeconds(60), 3))), ledger.appliedCounts());
    }

    @Test
    void batches_holdCountsInCodeThenMinuteOrder() {
        ClickBatcher batcher = unstarted(CONFIG.withBatchKeys(10));
        click(batcher, C, T0, 1);
        click(batcher, A, T0.plusSeconds(60), 1);
        click(batcher, B, T0, 1);
        click(batcher, A, T0, 1);

        batcher.close();

        assertEquals(List.of(List.of(count(A, T0, 1), count(A, T0.plusSeconds(60), 1), count(B, T0, 1),
                count(C, T0, 1))), ledger.appliedCounts());
    }

    @Test
    void heldKeys_growWithDistinctLinksAndMinutes_notWithClicks() {
        ClickBatcher batcher = holdingClicksOnA(10_000);
        click(batcher, B, T0, 10_000);

        assertEquals(2, batcher.heldKeys());
        assertEquals(20_000, batcher.backlog().clicks());
    }

    // --- when a batch goes

    @Test
    void sends_whenTheOldestClickHasLingered_notBefore() {
        ClickBatcher batcher = holdingClicksOnA(1);
        advance(Duration.ofMillis(600));
        click(batcher, B, T0, 1);

        assertFalse(sendAfter(batcher, Duration.ofMillis(399)));
        advance(Duration.ofMillis(1));

        assertTrue(batcher.sendIfReady());
        assertEquals(List.of(List.of(count(A, T0, 1), count(B, T0, 1))), ledger.appliedCounts());
    }

    @Test
    void sends_assoonAsBatchKeysAreWaiting_beforeLinger() {
        ClickBatcher batcher = holdingClicksOnA(5);
        click(batcher, B, T0, 5);
        assertFalse(batcher.sendIfReady(), "2 of 3 keys, linger not elapsed");

        click(batcher, C, T0, 1);

        assertTrue(batcher.sendIfReady());
        assertEquals(11, ledger.totalClicks());
    }

    @Test
    void aBacklog_goesAsSeveralTransactions_ofAtMostBatchKeysEach() {
        ClickBatcher batcher = unstarted(CONFIG.withMaxKeys(100));
        for (int i = 0; i < 7; i++) {
            click(batcher, new ShortCode("code" + i), T0, 2);
        }

        batcher.close();

        assertEquals(List.of(3, 3, 1), ledger.applied().stream().map(b -> b.counts().size()).toList());
        assertEquals(14, ledger.totalClicks());
        assertEquals(3, ledger.applied().stream().map(ClickBatch::id).distinct().count(), "each its own id");
    }

    @Test
    void nothingIsSent_whenNothingIsHeld() {
        ClickBatcher batcher = unstarted(CONFIG);
        advance(Duration.ofHours(1));

        assertFalse(batcher.sendIfReady());
        assertEquals(0, ledger.attempts());
    }

    // --- overflow: refuse and count, by keys

    /** A batcher whose maxKeys is 3, holding one click on each of A, B and C. */
    private ClickBatcher atMaxKeysOfThree() {
        ClickBatcher batcher = unstarted(CONFIG.withMaxKeys(3));
        click(batcher, A, T0, 1);
        click(batcher, B, T0, 1);
        click(batcher, C, T0, 1);
        return batcher;
    }

    @Test
    void aClickNeedingANewKey_isRefusedAndCounted_beyondMaxKeys() {
        ClickBatcher batcher = atMaxKeysOfThree();

        assertFalse(batcher.append(Click.of(new ShortCode("dddd444"), T0)));
        assertFalse(batcher.append(Click.of(A, T0.plusSeconds(60))), "a new minute is a new key");

        assertEquals(3, metrics.get(ACCEPTED));
        assertEquals(2, metrics.get(DROPPED));
    }

    @Test
    void aClickOnAHeldKey_isAccepted_evenAtMaxKeys() {
        ClickBatcher batcher = atMaxKeysOfThree();

        click(batcher, A, T0, 1_000);

        assertEquals(0, metrics.get(DROPPED));
    }

    @Test
    void newKeys_areAcceptedAgain_onceABatchIsApplied() {
        ClickBatcher batcher = atMaxKeysOfThree();

        assertTrue(batcher.sendIfReady());

        assertTrue(batcher.append(Click.of(new ShortCode("dddd444"), T0)));
    }

    // --- transient failures: keep the batch and its id, back off, retry

    @Test
    void aTransientFailure_isRetriedWithTheSameBatchId_afterBackoff() {
        ledger.failNext(1);
        ClickBatcher batcher = holdingClicksOnA(3);
        advance(Duration.ofSeconds(1));

        assertTrue(batcher.sendIfReady(), "first attempt, fails");
        assertEquals(3, batcher.backlog().clicks(), "nothing applied, nothing lost");
        assertFalse(sendAfter(batcher, Duration.ofMillis(99)), "still backing off");
        assertTrue(sendAfter(batcher, Duration.ofMillis(1)));

        assertEquals(2, ledger.attempts());
        assertEquals(ledger.attemptedIds().get(0), ledger.attemptedIds().get(1));
        assertEquals(3, ledger.totalClicks());
        assertEquals(1, metrics.get(FAILED_BATCHES));
        assertEquals(3, metrics.get(PERSISTED));
    }

    @Test
    void backoff_doublesPerFailure_upToMaxBackoff() {
        ledger.failNext(4);
        ClickBatcher batcher = holdingClicksOnA(1);
        assertTrue(sendAfter(batcher, Duration.ofSeconds(1)));

        for (Duration pause : List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(400))) {
            assertFalse(sendAfter(batcher, pause.minusMillis(1)), "before " + pause);
            assertTrue(sendAfter(batcher, Duration.ofMillis(1)), "at " + pause);
        }

        assertEquals(5, ledger.attempts());
        assertEquals(1, ledger.totalClicks());
    }

    @Test
    void backoff_resets_afterASuccess() {
        ledger.failNext(2);
        ClickBatcher batcher = holdingClicksOnA(1);
        sendAfter(batcher, Duration.ofSeconds(1));
        sendAfter(batcher, Duration.ofMillis(100));
        assertTrue(sendAfter(batcher, Duration.ofMillis(200)), "succeeds");

        ledger.failNext(1);
        click(batcher, B, T0, 1);
        assertTrue(sendAfter(batcher, Duration.ofSeconds(1)), "fails");
        advance(Duration.ofMillis(100));

        assertTrue(batcher.sendIfReady(), "retried after retryBackoff again, not 400 ms");
    }

    @Test
    void clicksKeepFolding_whileTheLedgerIsDown_andAllArriveOnceItReturns() {
        ledger.failNext(4);
        ClickBatcher batcher = holdingClicksOnA(1);
        sendAfter(batcher, Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            click(batcher, A, T0, 10_000);
            click(batcher, B, T0, 10_000);
            sendAfter(batcher, Duration.ofSeconds(1));
        }
        assertEquals(3, batcher.heldKeys(), "one key in the failing batch, two folding behind it");
        advance(Duration.ofSeconds(1));

        batcher.close();

        assertEquals(60_001, ledger.totalClicks());
        assertEquals(Map.of(A, 30_001L, B, 30_000L), ledger.clicksByCode());
        assertEquals(0, metrics.get(UNDELIVERED));
    }

    @Test
    void aCommitWhoseAcknowledgementWasLost_isRetried_andCountedOnce() {
        ledger.applyThenFailNext(1);
        ClickBatcher batcher = holdingClicksOnA(7);
        sendAfter(batcher, Duration.ofSeconds(1));
        advance(Duration.ofMillis(100));

        batcher.sendIfReady();

        assertEquals(7, ledger.totalClicks(), "applied by the first attempt only");
        assertEquals(7, metrics.get(PERSISTED));
        assertEquals(7, metrics.get(ALREADY_APPLIED));
        assertEquals(0, batcher.backlog().clicks());
    }

    // --- refusals: split, set aside, never block

    @Test
    void aRefusedCount_isSetAside_andEveryOtherCountApplied() {
        ledger.refuse(POISON);
        ClickBatcher batcher = unstarted(CONFIG.withBatchKeys(8).withMaxKeys(100));
        for (int i = 0; i < 7; i++) {
            click(batcher, new ShortCode("good" + i), T0, 2);
        }
        click(batcher, POISON, T0, 5);

        batcher.close();

        assertEquals(14, ledger.totalClicks());
        assertEquals(1, quarantined.size());
        assertEquals(List.of(count(POISON, T0, 5)), quarantined.getFirst().counts());
        assertEquals(5, metrics.get(QUARANTINED));
        assertTrue(ledger.attempts() <= 2 * 3 + 1, "a bisection, not a count at a time: " + ledger.attempts());
    }

    @Test
    void clicksBehindARefusedBatch_areNotHeldUp() {
        ledger.refuse(POISON);
        ClickBatcher batcher = unstarted(CONFIG);
        click(batcher, POISON, T0, 1);
        sendAfter(batcher, Duration.ofSeconds(1));

        click(batcher, A, T0, 1);
        assertTrue(sendAfter(batcher, Duration.ofSeconds(1)));

        assertEquals(Map.of(A, 1L), ledger.clicksByCode());
        assertEquals(0, batcher.backlog().clicks());
    }

    @Test
    void whenTheLedgerRefusesEverything_theSearchStopsAtItsBudget_andSetsEverythingAside() {
        ledger.refuseAll();
        ClickBatcher batcher = unstarted(CONFIG.withMaxKeys(10_000).withBatchKeys(5_000));
        for (int i = 0; i < 5_000; i++) {
            click(batcher, new ShortCode("code" + i), T0, 1);
        }

        batcher.close();

        int budget = ClickBatcher.REFUSAL_BUDGET_PER_LEVEL * 13;   // 5,000 counts: 13 halvings
        assertEquals(1 + budget, ledger.attempts(), "the batch, then the search's budget: not 10,000 transactions");
        assertEquals(5_000, quarantined.stream().mapToLong(ClickBatch::clicks).sum(), "each count set aside once");
        assertEquals(5_000, metrics.get(QUARANTINED));
        assertEquals(0, metrics.get(UNDELIVERED));
        assertEquals(0, batcher.backlog().clicks());
    }

    @Test
    void aCountSetAside_isNotTriedAgain_whenItsSiblingHalfIsRefusedToo() {
        ShortCode quiet = new ShortCode("quiet01");
        ledger.refuse(POISON_A);
        ledger.refuse(POISON_B);
        ClickBatcher batcher = unstarted(CONFIG.withCloseTimeout(Duration.ofSeconds(1)));
        click(batcher, POISON_A, T0, 1);   // one batch of 3, halves [poisonA] and [poisonB, quiet01]
        click(batcher, POISON_B, T0, 1);
        click(batcher, quiet, T0, 1);

        batcher.close();

        assertEquals(Map.of(quiet, 1L), ledger.clicksByCode());
        assertEquals(2, quarantined.size(), "each refused count set aside once");
        assertEquals(2, metrics.get(QUARANTINED));
        assertTrue(ledger.attempts() <= 5, "the batch, its halves, the second half's halves: " + ledger.attempts());
    }

    @Test
    void twoRefusedCounts_inSiblingHalves_setAsideOnlyThemselves() {
        ledger.refuse(POISON_A);
        ledger.refuse(POISON_B);
        ClickBatcher batcher = unstarted(CONFIG.withBatchKeys(8).withMaxKeys(100));
        for (int i = 0; i < 3; i++) {
            click(batcher, new ShortCode("good" + i), T0, 1);   // halves [good0..2, poisonA] and [poisonB, quiet0..2]
            click(batcher, new ShortCode("quiet" + i), T0, 1);
        }
        click(batcher, POISON_A, T0, 1);
        click(batcher, POISON_B, T0, 1);

        batcher.close();

        assertEquals(6, ledger.totalClicks(), "every good count applied");
        assertEquals(2, metrics.get(QUARANTINED), "only the refused counts set aside");
    }

    @Test
    void aQuarantineThatFails_stillCountsTheClicks_andGoesOn() {
        ledger.refuse(A);
        ClickBatcher batcher = ClickBatcher.builder(ledger).config(CONFIG).ticker(ticker).metrics(metrics)
                .quarantine((batch, cause) -> {
                    throw new java.io.UncheckedIOException(new java.io.IOException("disk full (test)"));
                }).unstarted();
        click(batcher, A, T0, 2);
        click(batcher, B, T0, 1);

        batcher.close();

        assertEquals(2, metrics.get(QUARANTINED));
        assertEquals(Map.of(B, 1L), ledger.clicksByCode());
    }

    // --- supervision

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void anErrorOnTheSenderThread_isCountedAndTheThreadGoesOn_keepingTheBatch() throws InterruptedException {
        ledger.errorNext(1);
        try (ClickBatcher batcher = started(LINGER_1MS)) {
            click(batcher, A, T0, 4);

            assertTrue(batcher.flush(Duration.ofSeconds(5)));
        }

        assertEquals(1, metrics.get(WORKER_RESTARTS));
        assertEquals(Map.of(A, 4L), ledger.clicksByCode());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aBatchThatKeepsThrowingErrors_isSetAside_andLaterClicksGoThrough() throws InterruptedException {
        ledger.errorNext(ClickBatcher.ERRORS_BEFORE_REFUSAL);
        try (ClickBatcher batcher = started(LINGER_1MS)) {
            click(batcher, A, T0, 1);
            assertTrue(batcher.flush(Duration.ofSeconds(5)));
            click(batcher, B, T0, 1);
            assertTrue(batcher.flush(Duration.ofSeconds(5)));
        }

        assertEquals(ClickBatcher.ERRORS_BEFORE_REFUSAL, metrics.get(WORKER_RESTARTS));
        assertEquals(1, metrics.get(QUARANTINED));
        assertEquals(Map.of(B, 1L), ledger.clicksByCode());
    }

    @Test
    void senderThread_isOneNamedPlatformDaemon() {
        try (ClickBatcher ignored = started(CONFIG)) {
            List<Thread> senders = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(ClickBatcher.THREAD_NAME)).toList();

            assertEquals(1, senders.size());
            assertTrue(senders.getFirst().isDaemon());
            assertFalse(senders.getFirst().isVirtual());
        }
    }

    // --- backlog

    @Test
    void backlog_reportsHeldClicks_andHowLongTheOldestHasWaited() {
        ClickBatcher batcher = unstarted(CONFIG);
        assertEquals(ClickSink.Backlog.NONE, batcher.backlog());
        click(batcher, A, T0, 2);
        advance(Duration.ofMillis(300));
        click(batcher, B, T0, 1);
        advance(Duration.ofMillis(200));

        assertEquals(new ClickSink.Backlog(3, Duration.ofMillis(500)), batcher.backlog());
    }

    // --- close and flush

    @Test
    void close_sendsEverythingHeld_thenRefusesAppends() {
        ClickBatcher batcher = holdingClicksOnA(5);

        batcher.close();

        assertEquals(5, ledger.totalClicks());
        assertEquals(0, metrics.get(UNDELIVERED));
        assertFalse(batcher.append(Click.of(A, T0)));
        assertEquals(1, metrics.get(DROPPED));
    }

    @Test
    void close_isIdempotent() {
        ClickBatcher batcher = holdingClicksOnA(2);

        batcher.close();
        batcher.close();

        assertEquals(1, ledger.attempts());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void close_reportsUndelivered_whenTheLedgerKeepsFailing() {
        ledger.failNext(Integer.MAX_VALUE);
        ClickBatcher batcher = started(CONFIG.withLinger(Duration.ofMillis(5)).withCloseTimeout(Duration.ofMillis(200))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(40)));
        click(batcher, A, T0, 7);

        batcher.close();

        assertEquals(7, metrics.get(UNDELIVERED));
        assertEquals(0, ledger.totalClicks());
        assertTrue(ledger.attempts() > 1, "it kept trying");
        assertFalse(batcher.append(Click.of(A, T0)));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void flush_returnsTrue_onceEverythingAcceptedIsApplied() throws InterruptedException {
        try (ClickBatcher batcher = started(CONFIG.withLinger(Duration.ofMinutes(10)))) {
            click(batcher, A, T0, 5);

            assertTrue(batcher.flush(Duration.ofSeconds(5)));

            assertEquals(5, ledger.totalClicks());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void flush_returnsFalse_whenTheTimeoutElapsesFirst() throws InterruptedException {
        ledger.failNext(Integer.MAX_VALUE);
        try (ClickBatcher batcher = started(CONFIG.withCloseTimeout(Duration.ofMillis(50)))) {
            click(batcher, A, T0, 2);

            assertFalse(batcher.flush(Duration.ofMillis(50)));
        }
    }

    @Test
    void flush_returnsTrue_atOnce_whenNothingIsHeld() throws InterruptedException {
        assertTrue(unstarted(CONFIG).flush(Duration.ZERO));
    }

    // --- many writers

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentAppends_areAllCountedExactlyOnce() throws InterruptedException {
        int threads = 8;
        int perThread = 20_000;
        List<ShortCode> codes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            codes.add(new ShortCode("c" + i));
        }
        ClickBatcherConfig config = ClickBatcherConfig.defaults().withLinger(Duration.ofMillis(2)).withBatchKeys(100);
        try (ClickBatcher batcher = started(config)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        batcher.append(Click.of(codes.get((i * 7 + offset) % codes.size()), Instant.now()));
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }

            assertTrue(batcher.flush(Duration.ofSeconds(20)));
        }

        assertEquals(threads * perThread, ledger.totalClicks());
        assertEquals(threads * perThread, metrics.get(ACCEPTED));
        assertEquals(0, metrics.get(DROPPED));
        assertTrue(ledger.applied().stream().allMatch(b -> b.counts().size() <= config.batchKeys()));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentAppends_beyondMaxKeys_areEachCountedOrRefused() throws InterruptedException {
        int threads = 8;
        int perThread = 10_000;
        ClickBatcherConfig small = ClickBatcherConfig.defaults().withLinger(Duration.ofMillis(1))
                .withBatchKeys(50).withMaxKeys(200);
        AtomicLong refused = new AtomicLong();
        try (ClickBatcher batcher = started(small)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * perThread;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (!batcher.append(Click.of(new ShortCode("k" + ((offset + i) % 5_000)), Instant.now()))) {
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

        assertEquals(threads * perThread, ledger.totalClicks() + refused.get());
        assertEquals(refused.get(), metrics.get(DROPPED));
        assertEquals(ledger.totalClicks(), metrics.get(ACCEPTED));
        assertNotEquals(0, ledger.totalClicks());
    }
}
