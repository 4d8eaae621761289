package io.shortlink.server;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickBatcherConfig;
import io.shortlink.core.ShortCode;
import io.shortlink.core.testing.CountingMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.shortlink.core.testing.CountingMetrics.Total.ALREADY_APPLIED;
import static io.shortlink.core.testing.CountingMetrics.Total.DROPPED;
import static io.shortlink.core.testing.CountingMetrics.Total.PERSISTED;
import static io.shortlink.core.testing.CountingMetrics.Total.QUARANTINED;
import static io.shortlink.core.testing.CountingMetrics.Total.UNDELIVERED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process click path (ClickBatcher over the production JDBC ledger, phase-1 pool) on
 * MariaDB, when the client cannot know whether a COMMIT took: its answer is lost on the way back
 * (the proxy drops it and cuts the connection), or it is held past the driver's socketTimeout and
 * only then reaches the server. The batcher retries the batch under its id, the ledger finds the
 * id recorded, and every click is counted exactly once. Needs the integration profile.
 */
final class LostCommitIT {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:30Z");
    private static final int LINKS = 12;
    private static final int MINUTES = 3;
    /**
     * 36 keys in batches of at most 6, so at least six transactions, three of which may lose
     * their answer; nothing lingers long enough to leave before the flush but a full batch.
     */
    private static final ClickBatcherConfig SMALL_BATCHES = new ClickBatcherConfig(Duration.ofSeconds(30), 6, 10_000,
            Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200));
    private static final Duration FLUSH = Duration.ofSeconds(20);

    private ClickLedgerFixture db;

    @BeforeEach
    void open() throws IOException {
        db = ClickLedgerFixture.open();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCommitWhoseAnswerIsLost_isCountedOnce() throws Exception {
        clicksCountedOnce_whenCommitAnswersAreLost(1);
    }

    @Test
    void threeCommitsWhoseAnswersAreLost_areEachCountedOnce() throws Exception {
        clicksCountedOnce_whenCommitAnswersAreLost(3);
    }

    /**
     * The nastiest ambiguity: the COMMIT is held in the network until the driver's socketTimeout
     * (3 s, phase 1) gives up on it, and reaches the server only afterwards, so the server commits
     * a transaction its client has already reported as failed. The retry must find it committed.
     */
    @Test
    void aCommitHeldPastTheSocketTimeout_thatTheServerCommitsLater_isCountedOnce() throws Exception {
        ExecutorService flusher = Executors.newVirtualThreadPerTaskExecutor();
        Map<String, Long> expected;
        try (ClickBatcher clicks = db.batcher().config(SMALL_BATCHES.withBatchKeys(1_000)).start()) {
            expected = appendClicks(clicks);
            db.beforeNextCommit(db.proxy()::stall);
            CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(() -> flush(clicks), flusher);

            Await.until("the held COMMIT failed in the client", Duration.ofSeconds(15),
                    () -> db.ledger().counts().unavailable() > 0);
            assertEquals(0, db.totals().global(), "not committed yet: the COMMIT is still held in the proxy");
            db.proxy().resume();

            assertTrue(flushed.get(FLUSH.toSeconds() + 5, TimeUnit.SECONDS), "flushed: " + db.metrics());
        } finally {
            db.proxy().resume();
            flusher.shutdownNow();
        }

        assertCountedOnce(expected);
        assertEquals(1, db.ledger().counts().alreadyApplied(),
                "the retry found the batch the server committed late: " + db.ledger());
        assertEquals(sum(expected), db.metrics().get(ALREADY_APPLIED), "the whole batch reported as already applied");
    }

    private void clicksCountedOnce_whenCommitAnswersAreLost(int lost) throws Exception {
        Map<String, Long> expected;
        try (ClickBatcher clicks = db.batcher().config(SMALL_BATCHES).start()) {
            db.proxy().cutAfterCommit(lost);
            expected = appendClicks(clicks);
            assertTrue(clicks.flush(FLUSH), "flushed: " + db.metrics());
        }

        assertEquals(lost, db.proxy().commitsCut(), "COMMITs whose answer the proxy dropped");
        assertCountedOnce(expected);
        assertAll(
                () -> assertEquals(lost, db.ledger().counts().alreadyApplied(),
                        "retries that found their batch committed, one per lost answer: " + db.ledger()),
                () -> assertTrue(db.metrics().get(ALREADY_APPLIED) > 0, "lost answers reported: " + db.metrics()),
                () -> assertEquals(db.ledger().counts().clicksAlreadyApplied(), db.metrics().get(ALREADY_APPLIED),
                        "the clicks of those batches, reported as already applied"));
    }

    /** Every click in each place the ledger writes it, once; nothing set aside, dropped or left undelivered. */
    private void assertCountedOnce(Map<String, Long> expected) throws Exception {
        ClickTables.Totals totals = db.totals();
        CountingMetrics metrics = db.metrics();
        long clicks = sum(expected);
        assertAll(
                () -> assertEquals(expected, totals.linkClicks(), "per link, link_clicks"),
                () -> assertEquals(expected, totals.rollups(), "per link, click_rollups"),
                () -> assertEquals(clicks, totals.global(), "the global counter"),
                () -> assertEquals(clicks, metrics.get(PERSISTED), "persisted: " + metrics),
                () -> assertEquals(0, metrics.get(QUARANTINED), "quarantined: " + metrics),
                () -> assertEquals(0, metrics.get(DROPPED), "dropped: " + metrics),
                () -> assertEquals(0, metrics.get(UNDELIVERED), "undelivered: " + metrics));
    }

    /** A different number of clicks on each link and minute (1 to 7); returns the clicks per link. */
    private static Map<String, Long> appendClicks(ClickBatcher clicks) {
        Map<String, Long> perLink = new TreeMap<>();
        for (int link = 0; link < LINKS; link++) {
            ShortCode code = new ShortCode("lost%02d".formatted(link));
            for (int minute = 0; minute < MINUTES; minute++) {
                int times = 1 + (link * MINUTES + minute) % 7;
                for (int i = 0; i < times; i++) {
                    assertTrue(clicks.append(Click.of(code, T0.plusSeconds(60L * minute))), "accepted");
                }
                perLink.merge(code.value(), (long) times, Long::sum);
            }
        }
        return perLink;
    }

    private static boolean flush(ClickBatcher clicks) {
        try {
            return clicks.flush(FLUSH);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long sum(Map<String, Long> perLink) {
        return perLink.values().stream().mapToLong(Long::longValue).sum();
    }
}
