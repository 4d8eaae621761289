package io.shortlink.server;

import io.shortlink.core.testing.CountingMetrics;
import io.shortlink.events.ClickPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.shortlink.core.testing.CountingMetrics.Total.SPILLED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The click consumer as its own process ({@code ConsumerMain --stack phase3}, from the packaged
 * jar, settings in the environment) SIGKILLed while it applies 100,000 clicks, when the database
 * holds between 20 % and 80 % of them: the ledger's transaction rolls back the batch in flight,
 * and the consumer that takes over (a new one, or the other member of the group after the
 * rebalance) resumes exactly after the last applied range: every click is counted once, and the
 * consumer that takes over finds nothing it must skip as a duplicate (it re-read nothing that was
 * applied).
 *
 * <p>Needs the integration profile (MariaDB, Kafka) and the packaged jar (mvn verify builds it
 * before the ITs). Takes about 60 s: a killed member's partitions move on after the group's
 * session timeout, 10 s.
 */
final class ConsumerKilledIT {
    private static final int CLICKS = 100_000;
    private static final EvenClicks CLICK_SET = new EvenClicks("ck", CLICKS, 1_000);
    /** Small transactions (200 of them), so that a kill lands in the middle of applying. */
    private static final String MAX_POLL_RECORDS = "500";
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    @RegisterExtension
    final ServerProcesses processes = new ServerProcesses();

    @Test
    void theConsumerKilledMidBatch_andANewOneStarted_countsEveryClickOnce() throws Exception {
        consumersKilled(1, false);
    }

    @Test
    void oneOfTwoConsumersKilledMidBatch_itsPartitionsMoveToTheOther_andEveryClickIsCountedOnce() throws Exception {
        consumersKilled(2, false);
    }

    /**
     * The scenario above, where the survivor first held all partitions while the topic was empty:
     * when the victim's partitions come back to it, applied to their end by the victim, its lag
     * gauge reads minus their records (here about -50,000) and stays there until new records
     * arrive. ClickConsumer.updateLag sums KafkaConsumer.currentLag, which is the partition's high
     * watermark from the last fetch minus the position, and the high watermark it uses for a
     * partition that was assigned to it before is the one it fetched then (0).
     */
    @Test
    void partitionsTakenBack_reportNoNegativeLag() throws Exception {
        consumersKilled(2, true);
    }

    /**
     * With one member, it is killed and a new one started; with two, the survivor starts first (it
     * holds every partition until the victim joins), then the victim, and the victim is killed.
     */
    private void consumersKilled(int members, boolean lagMustReadZero) throws Exception {
        ClickTables db = ClickTables.createMigrated();
        try (TestKafka.Topic topic = TestKafka.createTopic("consumer-killed")) {
            ServerProcess survivor = null;
            if (members == 2) {
                survivor = consumer(topic, db, "consumer-b");
                survivor.awaitReady(READY_WITHIN);
                Await.until("the first member holding every partition", READY_WITHIN, () -> balanced(topic, 1));
            }
            ServerProcess victim = consumer(topic, db, "consumer-a");
            victim.awaitReady(READY_WITHIN);
            Await.until(members + " members sharing the " + TestKafka.PARTITIONS + " partitions", READY_WITHIN,
                    () -> balanced(topic, members));

            publish(topic);
            assertEquals(CLICKS, TestKafka.endOffsets(topic.name()).values().stream().mapToLong(Long::longValue).sum(),
                    "records in the topic: each click once");

            Await.until("20 % of the clicks applied", SETTLE_WITHIN, () -> db.global() >= CLICKS / 5);
            victim.kill9();
            long atKill = db.global();
            assertTrue(atKill <= CLICKS * 4 / 5, "killed while applying: the database held " + atKill
                    + " clicks at the kill, more than 80 %; the consumer is faster than this test can catch");
            if (survivor == null) {
                survivor = consumer(topic, db, "consumer-a-again");
                survivor.awaitReady(READY_WITHIN);
            }
            ServerProcess takenOver = survivor;
            long restartedAt = System.nanoTime();

            Await.until("every click applied (" + CLICKS + ")", SETTLE_WITHIN, () -> db.global() >= CLICKS);
            Await.settled("the click total", SETTLE_WITHIN, Duration.ofSeconds(2), db::global,
                    () -> MetricsText.count(takenOver.metrics(), "shortlink_click_consumer_lag") == 0);
            if (lagMustReadZero) {
                assertEquals(0, MetricsText.count(takenOver.metrics(), "shortlink_click_consumer_lag"),
                        "the survivor's lag gauge, every record read: " + takenOver.health());
            }
            double tookOver = Await.secondsSince(restartedAt);

            ClickTables.Totals totals = db.totals();
            long events = db.events();
            String survivorMetrics = takenOver.metrics();
            long duplicates = MetricsText.count(survivorMetrics, "shortlink_clicks_duplicated_total");
            System.out.printf("ConsumerKilledIT: %d member(s); killed %s with %d of %d clicks applied (%.0f %%); "
                            + "all applied %.1f s after the %s was ready; events %d, rollups %d, link totals %d, global %d; "
                            + "duplicates the survivor skipped %d%n",
                    members, "consumer-a", atKill, CLICKS, 100.0 * atKill / CLICKS, tookOver,
                    members == 1 ? "new consumer" : "survivor", events, totals.rollupsSum(), totals.linkClicksSum(),
                    totals.global(), duplicates);
            assertAll(
                    () -> assertTrue(atKill >= CLICKS / 5, "killed after 20 %: " + atKill),
                    () -> assertEquals(CLICKS, events, "distinct events in click_events"),
                    () -> assertEquals(CLICKS, totals.rollupsSum(), "click_rollups"),
                    () -> assertEquals(CLICKS, totals.linkClicksSum(), "link_clicks"),
                    () -> assertEquals(CLICKS, totals.global(), "the global counter"),
                    () -> assertEquals(CLICK_SET.perLink(), totals.linkClicks(), "per link"),
                    () -> assertEquals(TestKafka.endOffsets(topic.name()), db.positions(topic.stream()),
                            "the ledger's positions: every partition applied to its end"),
                    () -> assertEquals(0, duplicates, "events the consumer that took over read again after they were "
                            + "applied (positions behind the events)"),
                    () -> assertEquals(0, MetricsText.count(survivorMetrics, "shortlink_clicks_quarantined_total"),
                            "quarantined"));
        }
    }

    private ServerProcess consumer(TestKafka.Topic topic, ClickTables db, String name) {
        int port = ServerProcess.freePort();
        Map<String, String> settings = new HashMap<>(topic.settings(dir));
        settings.putAll(ServerProcess.database(db.name()));
        settings.put("shortlink.kafka.consumer-port", Integer.toString(port));
        settings.put("shortlink.kafka.max-poll-records", MAX_POLL_RECORDS);
        return processes.start(name, ConsumerMain.class, "phase3", settings, port);
    }

    private static boolean balanced(TestKafka.Topic topic, int members) {
        Map<String, Integer> assignment = TestKafka.assignment(topic.group());
        return assignment.size() == members
                && assignment.values().stream().allMatch(n -> n == TestKafka.PARTITIONS / members);
    }

    /** 100 clicks on each of the links, published in-process and flushed; the broker is up, nothing spills. */
    private void publish(TestKafka.Topic topic) throws InterruptedException {
        CountingMetrics metrics = new CountingMetrics();
        try (ClickPublisher publisher = ClickPublisher.builder(topic.publisher(dir.resolve("publisher-spill"))
                        .withOfferTimeout(Duration.ofSeconds(30)))
                .metrics(metrics).start()) {
            for (int i = 0; i < CLICKS; i++) {
                assertTrue(publisher.append(CLICK_SET.click(i)), "accepted");
            }
            assertTrue(publisher.flush(Duration.ofSeconds(30)), "published: " + metrics);
        }
        assertEquals(0, metrics.get(SPILLED), "spilled: " + metrics);
    }
}
