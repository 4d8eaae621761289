package io.shortlink.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.shortlink.core.Click;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickBatcherConfig;
import io.shortlink.core.ClickQuarantine;
import io.shortlink.core.ShortCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.shortlink.core.testing.CountingMetrics.Total.DROPPED;
import static io.shortlink.core.testing.CountingMetrics.Total.PERSISTED;
import static io.shortlink.core.testing.CountingMetrics.Total.QUARANTINED;
import static io.shortlink.core.testing.CountingMetrics.Total.UNDELIVERED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real database that refuses some clicks for good: a MariaDB trigger refuses every rollup of a
 * link whose code starts with {@code poison} (SIGNAL SQLSTATE '45000'), so any batch that holds
 * one fails, every time. The batcher finds the refused counts by bisection, sets them aside in the
 * quarantine file, and counts every other click once. Needs the integration profile.
 */
final class QuarantineIT {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:30Z");
    private static final int GOOD_LINKS = 200;
    private static final Map<String, Long> POISON = Map.of("poisonA", 7L, "poisonB", 11L);
    /** Nothing leaves before the flush, and everything leaves in one batch: the bisection starts from 202 counts. */
    private static final ClickBatcherConfig ONE_BATCH = new ClickBatcherConfig(Duration.ofSeconds(30), 5_000, 10_000,
            Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200));
    private static final Duration FLUSH = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ClickLedgerFixture db;

    /** Where the good links' codes sort against the two poison ones: the bisection's path depends on it. */
    enum Layout {
        /** Every good count before the poison ones. */
        POISON_SORTS_LAST(GOOD_LINKS),
        /** Every good count after the poison ones. */
        POISON_SORTS_FIRST(0),
        /** Two good counts before the poison ones, the rest after. */
        POISON_AMONG_GOOD(2);

        private final int sortingBeforePoison;

        Layout(int sortingBeforePoison) {
            this.sortingBeforePoison = sortingBeforePoison;
        }

        /** "good000" sorts before "poisonA", "zz000" after it. */
        ShortCode goodLink(int i) {
            return new ShortCode((i < sortingBeforePoison ? "good%03d" : "zz%03d").formatted(i));
        }
    }

    @BeforeEach
    void openWithPoisonTrigger() throws Exception {
        db = ClickLedgerFixture.open();
        db.execute("""
                CREATE TRIGGER refuse_poison_links BEFORE INSERT ON click_rollups FOR EACH ROW
                IF NEW.code LIKE 'poison%' THEN
                    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poison link refused (test trigger)';
                END IF""");
    }

    @AfterEach
    void close() {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(names = "POISON_SORTS_LAST")
    void poisonLinks_areQuarantined_everyGoodClickCountedOnce_inAFewTransactions(Layout layout) throws Exception {
        poisonAmongGoodClicks(layout);
    }

    /**
     * The same, with the poison counts elsewhere in the batch. Fails today (reproduced without a
     * database by the disabled tests in lib-core's ClickBatcherTest): a refused single-count half
     * is set aside but keeps its UNTRIED state, so when its sibling is refused too the batcher puts
     * it back and loops (POISON_SORTS_FIRST: poisonA quarantined again and again, poisonB never,
     * the good count beside it and every later click never applied, while flush and close report
     * success); and two poison counts in sibling halves make the batcher set both halves aside,
     * good clicks included (POISON_AMONG_GOOD: 10 good clicks quarantined).
     */
    @ParameterizedTest
    @EnumSource(names = {"POISON_SORTS_FIRST", "POISON_AMONG_GOOD"})
    void poisonLinks_areQuarantined_everyGoodClickCountedOnce_whereverTheySort(Layout layout) throws Exception {
        poisonAmongGoodClicks(layout);
    }

    private void poisonAmongGoodClicks(Layout layout) throws Exception {
        Path quarantine = dir.resolve("quarantine.jsonl");
        Map<String, Long> good = new TreeMap<>();
        long callsForThePoisonedBatch;
        try (ClickBatcher clicks = db.batcher().config(ONE_BATCH).quarantine(ClickQuarantine.toFile(quarantine)).start()) {
            for (int i = 0; i < GOOD_LINKS; i++) {
                append(clicks, layout.goodLink(i), 1 + i % 5, good);
                if (i == GOOD_LINKS / 3) {
                    append(clicks, new ShortCode("poisonA"), POISON.get("poisonA"), null);
                } else if (i == 2 * GOOD_LINKS / 3) {
                    append(clicks, new ShortCode("poisonB"), POISON.get("poisonB"), null);
                }
            }
            assertTrue(clicks.flush(FLUSH), "flushed: " + db.metrics() + " " + db.ledger());
            callsForThePoisonedBatch = db.ledger().counts().calls();

            for (int i = 0; i < GOOD_LINKS; i += 10) {
                append(clicks, layout.goodLink(i), 1, good);
            }
            assertTrue(clicks.flush(FLUSH), "a later batch after the poison: " + db.metrics());
        }

        int keys = GOOD_LINKS + POISON.size();
        long bisectionBound = 2L * POISON.size() * ceilLog2(keys) + 1;
        System.out.println("QuarantineIT " + layout + ": " + keys + " counts, " + callsForThePoisonedBatch
                + " transactions to apply the good ones and find the " + POISON.size() + " refused ones (bound "
                + bisectionBound + ")");
        ClickTables.Totals totals = db.totals();
        long goodClicks = good.values().stream().mapToLong(Long::longValue).sum();
        long poisonClicks = POISON.values().stream().mapToLong(Long::longValue).sum();
        assertAll(
                () -> assertEquals(good, totals.linkClicks(), "per link, link_clicks: every good click once, no poison"),
                () -> assertEquals(good, totals.rollups(), "per link, click_rollups"),
                () -> assertEquals(goodClicks, totals.global(), "the global counter"),
                () -> assertEquals(POISON, quarantinedClicksPerLink(quarantine), "the quarantine file"),
                () -> assertEquals(poisonClicks, db.metrics().get(QUARANTINED), "quarantined: " + db.metrics()),
                () -> assertEquals(goodClicks, db.metrics().get(PERSISTED), "persisted: " + db.metrics()),
                () -> assertEquals(0, db.metrics().get(DROPPED) + db.metrics().get(UNDELIVERED), "lost: " + db.metrics()),
                () -> assertTrue(callsForThePoisonedBatch <= bisectionBound, "a bisection, not a transaction per count: "
                        + callsForThePoisonedBatch + " transactions for " + keys + " counts"),
                () -> assertEquals(callsForThePoisonedBatch + 1, db.ledger().counts().calls(), "the later batch: one transaction"));
    }

    /** Appends {@code times} clicks on {@code code}, adding them to {@code expected} unless it is null. */
    private static void append(ClickBatcher clicks, ShortCode code, long times, Map<String, Long> expected) {
        for (int i = 0; i < times; i++) {
            assertTrue(clicks.append(Click.of(code, T0)), "accepted");
        }
        if (expected != null) {
            expected.merge(code.value(), times, Long::sum);
        }
    }

    /** Clicks per link over every line of the quarantine file, each line checked against its own total. */
    private static Map<String, Long> quarantinedClicksPerLink(Path file) throws Exception {
        Map<String, Long> perLink = new TreeMap<>();
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        for (String line : lines) {
            JsonNode batch = TestApp.JsonRead.tree(line);
            long inLine = 0;
            for (JsonNode count : batch.get("counts")) {
                perLink.merge(count.get(0).asText(), count.get(2).asLong(), Long::sum);
                inLine += count.get(2).asLong();
            }
            assertEquals(batch.get("clicks").asLong(), inLine, "a quarantine line's clicks are its counts': " + line);
            assertTrue(batch.get("cause").asText().contains("poison link refused"), "the cause is kept: " + line);
        }
        return perLink;
    }

    private static int ceilLog2(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
