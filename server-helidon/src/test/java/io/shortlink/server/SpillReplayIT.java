package io.shortlink.server;

import io.shortlink.core.Click;
import io.shortlink.core.testing.CountingMetrics;
import io.shortlink.events.ClickConsumer;
import io.shortlink.events.ClickPublisher;
import io.shortlink.events.ClickSpill;
import io.shortlink.events.SegmentRead;
import io.shortlink.events.SpillConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static io.shortlink.core.testing.CountingMetrics.Total.DUPLICATED;
import static io.shortlink.core.testing.CountingMetrics.Total.QUARANTINED;
import static io.shortlink.core.testing.CountingMetrics.Total.REPLAYED;
import static io.shortlink.core.testing.CountingMetrics.Total.SPILL_DAMAGED_REGIONS;
import static io.shortlink.core.testing.CountingMetrics.Total.SPILL_TORN_TAILS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A spill left on disk by an earlier run, damaged the two ways a disk does it (a torn tail: the
 * last segment cut in the middle of a record, what a crash during a write leaves; a flipped byte
 * inside a record of a middle segment), replayed by a new ClickPublisher against the live broker
 * and applied by a ClickConsumer over the production JDBC ledger: exactly the records reading
 * vouches for are counted, each once, and the damage shows in the publisher's metrics.
 *
 * <p>Needs the integration profile (MariaDB and Kafka). Takes about 10 s.
 */
final class SpillReplayIT {
    private static final int CLICKS = 10_000;
    /** 7-character codes, so that every record has the same size. */
    private static final EvenClicks CLICK_SET = new EvenClicks("spl", CLICKS, 100);
    /** Every code has 7 characters: every record is 6 + 26 + 7 = 39 bytes, after a 5-byte header. */
    private static final int RECORD_BYTES = 39;
    private static final int HEADER_BYTES = 5;
    /** About 2,560 records a segment: four segments. */
    private static final SpillConfig FOUR_SEGMENTS = new SpillConfig(16L << 20, 100_000);
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aDamagedSpill_isReplayed_andExactlyItsIntactRecordsAreCountedOnce() throws Exception {
        Path spillDir = dir.resolve("spill");
        try (ClickSpill spill = ClickSpill.open(spillDir, FOUR_SEGMENTS)) {
            for (int i = 0; i < CLICKS; i++) {
                spill.append(CLICK_SET.click(i));
            }
        }
        List<Path> segments = segments(spillDir);
        assertEquals(4, segments.size(), "segments written: " + segments);
        Path middle = segments.get(1);
        Path last = segments.getLast();
        long lastRecords = (Files.size(last) - HEADER_BYTES) / RECORD_BYTES;
        flipByte(middle, HEADER_BYTES + (Files.size(middle) - HEADER_BYTES) / RECORD_BYTES / 2 * RECORD_BYTES + 20);
        long keptInLast = lastRecords / 2;
        truncate(last, HEADER_BYTES + keptInLast * RECORD_BYTES + 17);

        Map<UUID, Click> intact = new HashMap<>();
        for (Path segment : segments) {
            ClickSpill.read(segment).clicks().forEach(c -> intact.put(c.eventId(), c));
        }
        SegmentRead middleRead = ClickSpill.read(middle);
        SegmentRead lastRead = ClickSpill.read(last);
        assertAll("the damage, as reading sees it",
                () -> assertEquals(1, middleRead.corruptRegions(), "the flipped byte: one corrupt region"),
                () -> assertEquals(true, lastRead.tornTail(), "the cut: a torn tail"),
                () -> assertEquals(CLICKS - 1 - (lastRecords - keptInLast), intact.size(),
                        "intact: all but the flipped record and what the cut took"));

        CountingMetrics published = new CountingMetrics();
        try (ClickLedgerFixture db = ClickLedgerFixture.open();
             TestKafka.Topic topic = TestKafka.createTopic("spill-replay");
             ClickConsumer consumer = topic.consumer(db.ledger(), db.metrics(), dir);
             ClickPublisher publisher = ClickPublisher.builder(topic.publisher(spillDir).withSpill(FOUR_SEGMENTS))
                     .metrics(published).start()) {
            Await.until("the spill replayed and deleted: " + published, SETTLE_WITHIN,
                    () -> publisher.spillBytes() == 0 && segments(spillDir).isEmpty());
            Await.settled("the consumer's applied count", SETTLE_WITHIN, Duration.ofSeconds(2), consumer::applied,
                    () -> consumer.lag() == 0);

            ClickTables.Totals totals = db.totals();
            System.out.printf("SpillReplayIT: %d clicks spilled in %d segments, %d intact after the damage; replayed %d, "
                            + "damaged regions %d, torn tails %d; events %d, rollups %d%n",
                    CLICKS, segments.size(), intact.size(), published.get(REPLAYED), published.get(SPILL_DAMAGED_REGIONS),
                    published.get(SPILL_TORN_TAILS), db.tables().events(), totals.rollupsSum());
            assertAll(
                    () -> assertEquals(intact.keySet(), db.tables().eventIds(), "the events counted: the intact ones"),
                    () -> assertEquals(intact.size(), totals.rollupsSum(), "click_rollups"),
                    () -> assertEquals(intact.size(), totals.global(), "the global counter"),
                    () -> assertEquals(perLink(intact), totals.linkClicks(), "per link"),
                    () -> assertEquals(intact.size(), published.get(REPLAYED), "replayed: " + published),
                    () -> assertEquals(1, published.get(SPILL_DAMAGED_REGIONS), "damaged regions reported: " + published),
                    () -> assertEquals(1, published.get(SPILL_TORN_TAILS), "torn tails reported: " + published),
                    () -> assertEquals(0, db.metrics().get(DUPLICATED), "duplicates: " + db.metrics()),
                    () -> assertEquals(0, db.metrics().get(QUARANTINED), "quarantined: " + db.metrics()));
        }
    }

    private static Map<String, Long> perLink(Map<UUID, Click> clicks) {
        Map<String, Long> out = new TreeMap<>();
        clicks.values().forEach(c -> out.merge(c.code().value(), 1L, Long::sum));
        return out;
    }

    /** The segment files, oldest first (their names sort by sequence). */
    private static List<Path> segments(Path spillDir) {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.filter(p -> p.getFileName().toString().matches("spill-\\d{20}\\.log")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= (byte) 0xFF;
        Files.write(file, bytes);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
