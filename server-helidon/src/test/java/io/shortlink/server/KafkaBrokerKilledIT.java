package io.shortlink.server;

import io.shortlink.core.testing.CountingMetrics;
import io.shortlink.events.ClickConsumer;
import io.shortlink.events.ClickPublisher;
import io.shortlink.events.ClickPublisherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.shortlink.core.testing.CountingMetrics.Total.DROPPED;
import static io.shortlink.core.testing.CountingMetrics.Total.DUPLICATED;
import static io.shortlink.core.testing.CountingMetrics.Total.QUARANTINED;
import static io.shortlink.core.testing.CountingMetrics.Total.REPLAYED;
import static io.shortlink.core.testing.CountingMetrics.Total.SPILLED;
import static io.shortlink.core.testing.CountingMetrics.Total.UNDELIVERED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka click path in-process (ClickPublisher with its spill, ClickConsumer over the production
 * JDBC ledger on a fresh MariaDB database) while the broker is SIGKILLed in the middle of 100,000
 * clicks and started again: the clicks Kafka cannot take go to the spill and are replayed with
 * their event ids; the ones that reached Kafka and were spilled too are kept once by event id. At
 * the end every click is in the database once, in each place the ledger counts it.
 *
 * <p>Needs the integration profile and a broker this test may kill and restart
 * ({@link TestKafka#services()}). Takes about 40 s.
 */
final class KafkaBrokerKilledIT {
    private static final int CLICKS = 100_000;
    private static final int LINKS = 1_000;
    private static final EvenClicks CLICK_SET = new EvenClicks("bk", CLICKS, LINKS);
    private static final int THREADS = 4;
    /** 10,000 clicks/s: 10 s of publishing, most of it while the broker is away. */
    private static final int CLICKS_PER_SECOND = 10_000;
    private static final int KILL_AFTER = 30_000;
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(90);
    private static final Duration APPEND_WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void brokerKilledMidStream_andRestarted_everyClickIsCountedOnce() throws Exception {
        LocalServices services = TestKafka.services();
        CountingMetrics published = new CountingMetrics();
        try (ClickLedgerFixture db = ClickLedgerFixture.open();
             TestKafka.Topic topic = TestKafka.createTopic("broker-killed");
             ClickConsumer consumer = topic.consumer(db.ledger(), db.metrics(), dir);
             ClickPublisher publisher = ClickPublisher.builder(topic.publisher(dir.resolve("spill"))
                             // 10,000 clicks/s from a few threads can outrun the sender for a
                             // moment: wait for room rather than refuse (backpressure).
                             .withOfferTimeout(APPEND_WAIT))
                     .metrics(published).start()) {
            long globalBefore = db.totals().global();
            long start = System.nanoTime();
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                publishers.add(Thread.ofPlatform().name("publish-" + t).start(
                        () -> publish(publisher, thread, start, accepted, refused)));
            }
            Await.until(KILL_AFTER + " clicks accepted", Duration.ofSeconds(30), () -> accepted.get() >= KILL_AFTER);
            services.kill9(LocalServices.KAFKA);
            double killedAt = Await.secondsSince(start);
            services.up(LocalServices.KAFKA);
            double upAt = Await.secondsSince(start);
            for (Thread thread : publishers) {
                assertTrue(thread.join(Duration.ofSeconds(60)), thread.getName() + " finished");
            }
            double publishedAt = Await.secondsSince(start);
            Await.until("the spill replayed (publisher backlog 0): " + published, SETTLE_WITHIN,
                    () -> publisher.backlog().clicks() == 0);
            double replayedAt = Await.secondsSince(start);
            Await.settled("the consumer's applied count", SETTLE_WITHIN, Duration.ofSeconds(2), consumer::applied,
                    () -> consumer.lag() == 0);
            double settledAt = Await.secondsSince(start);

            ClickTables.Totals totals = db.totals();
            long events = db.tables().events();
            System.out.printf("KafkaBrokerKilledIT: %d clicks from %d threads over %d links at %d/s; broker killed at "
                            + "%.1f s, up again at %.1f s; publishing done %.1f s, spill replayed %.1f s, settled %.1f s%n",
                    CLICKS, THREADS, LINKS, CLICKS_PER_SECOND, killedAt, upAt, publishedAt, replayedAt, settledAt);
            System.out.printf("KafkaBrokerKilledIT: spilled %d, replayed %d, duplicates skipped by event id %d (ledger "
                            + "counted %d); events %d, rollups %d, link totals %d, global +%d%n",
                    published.get(SPILLED), published.get(REPLAYED), db.metrics().get(DUPLICATED),
                    db.ledger().counts().eventsDuplicated(), events, totals.rollupsSum(), totals.linkClicksSum(),
                    totals.global() - globalBefore);

            assertAll(
                    () -> assertEquals(0, refused.get(), "clicks the publisher refused: " + published),
                    () -> assertTrue(published.get(SPILLED) > 0, "the kill reached the click path: clicks spilled"),
                    () -> assertTrue(published.get(REPLAYED) > 0, "spilled clicks were replayed: " + published),
                    () -> assertEquals(0, published.get(DROPPED) + published.get(UNDELIVERED), "dropped: " + published),
                    () -> assertEquals(0, db.metrics().get(QUARANTINED), "quarantined: " + db.metrics()),
                    () -> assertEquals(CLICKS, events, "distinct events in click_events"),
                    () -> assertEquals(CLICKS, totals.rollupsSum(), "click_rollups"),
                    () -> assertEquals(CLICKS, totals.linkClicksSum(), "link_clicks"),
                    () -> assertEquals(CLICKS, totals.global() - globalBefore, "the global counter"),
                    () -> assertEquals(CLICK_SET.perLink(), totals.linkClicks(), "per link"));
        }
    }

    /**
     * A regression test for a stall once found by the test above: a publisher whose spill holds clicks
     * and whose broker does not answer replays the spill at start and sends each spilled click to
     * the producer; each {@code send} waits {@code max.block.ms} (200 ms) for metadata that cannot
     * come and then fails, not by throwing (what {@code replayIfDue} catches to abandon the
     * replay) but through the callback. So one probe blocks the sender thread for 200 ms per
     * spilled click (1,000 clicks: 200 s), nothing drains the queue meanwhile, and every append
     * waits {@code offerTimeout} and is refused. In the test above, after the broker was killed the
     * producer re-bootstrapped (no topic metadata), the first probe stalled the sender until the
     * broker was back, and 44 of 100,000 clicks were refused with the default 1 s offerTimeout.
     * The same wait hit {@code sendOne} before spilling started: a drained batch of up to 4,096
     * clicks was sent, 200 ms each, before the failures were looked at. Both now stop at the first
     * send that fails inside {@code send()}.
     */
    @Test
    void spilledClicks_whileNoBrokerAnswers_neverStallTheSender() throws Exception {
        Path spillDir = dir.resolve("stalled-spill");
        try (var spill = io.shortlink.events.ClickSpill.open(spillDir, io.shortlink.events.SpillConfig.defaults())) {
            for (int i = 0; i < 1_000; i++) {
                assertTrue(spill.append(CLICK_SET.click(i)));
            }
        }
        CountingMetrics metrics = new CountingMetrics();
        int toAppend = 5_000;
        int accepted = 0;
        try (ClickPublisher publisher = ClickPublisher.builder(ClickPublisherConfig.defaults(nobodyListens())
                        .withTopic("clicks").withSpillDir(spillDir).withQueueCapacity(1_024)
                        .withOfferTimeout(Duration.ofMillis(500)).withCloseTimeout(Duration.ofSeconds(1)))
                .metrics(metrics).start()) {
            // Stops at the first refusal: each one costs the offer timeout.
            while (accepted < toAppend && publisher.append(CLICK_SET.click(accepted))) {
                accepted++;
            }
        }
        assertEquals(toAppend, accepted, "appends accepted before the first refusal, while the publisher could spill "
                + "every one of them: " + metrics);
    }

    /** A loopback address with no listener: a broker that never answers. */
    private static String nobodyListens() {
        return "127.0.0.1:" + ServerProcess.freePort();
    }

    /** Thread {@code thread}'s share of the clicks, paced so that all threads together make {@link #CLICKS_PER_SECOND}. */
    private static void publish(ClickPublisher publisher, int thread, long start, AtomicLong accepted, AtomicLong refused) {
        long every = 1_000_000_000L * THREADS / CLICKS_PER_SECOND;
        for (int n = 0; n < CLICKS / THREADS; n++) {
            long wait = start + n * every - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int i = thread * (CLICKS / THREADS) + n;
            if (publisher.append(CLICK_SET.click(i))) {
                accepted.incrementAndGet();
            } else {
                refused.incrementAndGet();
            }
        }
    }
}
