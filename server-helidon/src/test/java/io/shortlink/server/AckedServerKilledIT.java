package io.shortlink.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.shortlink.server.RedirectsUnderLoad.SETTLE_WITHIN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server as its own process (Main --stack phase3 from the packaged jar, the consumer inside
 * it) under a paced load of redirects, SIGKILLed in the middle of it and started again on the same
 * port, spill directory, database and topic.
 *
 * <p>With {@code shortlink.clicks.delivery=acked} a 302 leaves only once its click is acknowledged
 * by Kafka or forced to the spill, so a kill -9 loses no answered click, even with the broker
 * frozen for the second before it (clicks unacknowledged, redirects waiting): per link, the server
 * records at least the 302s the client saw, and in all at most those plus the requests that were
 * under way at the kill and never answered (their clicks may have been made durable before the
 * answer was lost); no event is counted twice. With {@code buffered} the same kill loses the clicks
 * still in the publisher's queue and the producer's buffer: printed for the docs, not asserted.
 *
 * <p>Needs the integration profile (MariaDB, Kafka) and the packaged jar. Takes about 80 s: the
 * new server's consumer waits out the killed one's session (10 s) before the partitions move.
 */
final class AckedServerKilledIT {
    private static final int LINKS = 100;
    private static final PacedLoad.Profile LOAD = PacedLoad.Profile.fiveHundredPerSecond(Duration.ofSeconds(20));
    private static final Duration KILL_AT = Duration.ofSeconds(6);
    /** Below the publisher's delivery timeout (2 s): held clicks are neither acknowledged nor spilled yet. */
    private static final Duration BROKER_HELD = Duration.ofSeconds(1);
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void ackedDelivery_serverKilledUnderLoad_losesNoAnsweredClick_andCountsNoneTwice() throws Exception {
        Killed killed = serverKilledUnderLoad("acked", true);
        RedirectsUnderLoad.Outcome outcome = killed.outcome();
        assertAll(
                () -> assertEquals(List.of(), outcome.linksShort(), "links with fewer clicks recorded than 302s seen"),
                () -> assertTrue(outcome.recordedTotal() >= outcome.seen302(), "recorded " + outcome.recordedTotal()
                        + " >= 302s seen " + outcome.seen302() + ": no answered click lost"),
                () -> assertTrue(outcome.recordedTotal() <= outcome.seen302() + killed.unanswered(), "recorded "
                        + outcome.recordedTotal() + " <= 302s seen " + outcome.seen302() + " + unanswered at the kill "
                        + killed.unanswered()),
                () -> assertEquals(killed.events(), killed.totals().rollupsSum(),
                        "distinct events == rollups: no event counted twice"),
                () -> assertEquals(killed.events(), outcome.recordedTotal(), "distinct events == the global total"));
    }

    /** The same kill with buffered delivery: what it loses is printed for the docs, only double counting is asserted. */
    @Test
    void bufferedDelivery_serverKilledUnderLoad_countsNoneTwice_andPrintsWhatTheKillLost() throws Exception {
        Killed killed = serverKilledUnderLoad("buffered", false);
        assertEquals(killed.events(), killed.totals().rollupsSum(), "distinct events == rollups: no event counted twice");
    }

    /** What a kill under load left, once the restarted server settled. */
    private record Killed(RedirectsUnderLoad.Outcome outcome, long unanswered, long events, ClickTables.Totals totals) {
    }

    /**
     * With {@code holdBroker}, the broker is frozen (SIGSTOP) for the last {@link #BROKER_HELD} before
     * the kill, less than the publisher's delivery timeout: every click of that second is then
     * unacknowledged at the kill, so a redirect answered before its click was durable is lost for
     * sure, not only when the kill happens to land within the producer's few milliseconds of linger.
     */
    private Killed serverKilledUnderLoad(String delivery, boolean holdBroker) throws Exception {
        ClickTables db = ClickTables.createMigrated();
        try (TestKafka.Topic topic = TestKafka.createTopic("server-killed-" + delivery)) {
            int port = ServerProcess.freePort();
            Map<String, String> settings = new HashMap<>(topic.settings(Path.of("target", "it-work", topic.name())));
            settings.putAll(ServerProcess.database(db.name()));
            settings.put("server.port", Integer.toString(port));
            settings.put("shortlink.clicks.delivery", delivery);
            ServerProcess first = server("server-" + delivery, settings, port);
            RedirectsUnderLoad redirects = RedirectsUnderLoad.create(first.uri(), first.adminToken(), "killed-" + delivery, LINKS);

            PacedLoad load = redirects.start(LOAD);
            long killAt;
            long goneAt;
            load.awaitElapsed(holdBroker ? KILL_AT.minus(BROKER_HELD) : KILL_AT);
            try (LocalServices.Paused held = holdBroker ? TestKafka.services().pause(LocalServices.KAFKA) : () -> { }) {
                load.awaitElapsed(KILL_AT);
                killAt = load.elapsedNanos();
                first.kill9();
                goneAt = load.elapsedNanos();
            }
            server("server-" + delivery + "-again", settings, port);
            long upAt = load.elapsedNanos();
            RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(2),
                    redirects::kafkaPathIdle);
            long unanswered = load.unansweredAround(killAt, goneAt);
            long events = db.events();
            ClickTables.Totals totals = db.totals();

            String name = "AckedServerKilledIT[" + delivery + "]";
            System.out.printf("%s: %d users, %d links, %.0f s load; killed at %.1f s%s, serving again at %.1f s%n", name,
                    LOAD.users(), LINKS, LOAD.length().toSeconds() * 1.0, PacedLoad.seconds(killAt),
                    holdBroker ? " (broker frozen for the " + BROKER_HELD.toMillis() + " ms before)" : "",
                    PacedLoad.seconds(upAt));
            System.out.printf("%s: 302s seen %d, recorded %d (events %d, rollups %d); requests unanswered at the kill %d; "
                            + "answered clicks lost %d, clicks of unanswered requests counted %d; links short %d; settled "
                            + "%.1f s after the load%n", name, outcome.seen302(), outcome.recordedTotal(), events,
                    totals.rollupsSum(), unanswered, Math.max(0, outcome.seen302() - outcome.recordedTotal()),
                    Math.max(0, outcome.recordedTotal() - outcome.seen302()), outcome.linksShort().size(),
                    outcome.settleSeconds());
            load.around(new PacedLoad.Span(killAt, upAt)).print(name, "restart (kill to serving again)");
            return new Killed(outcome, unanswered, events, totals);
        }
    }

    private ServerProcess server(String name, Map<String, String> settings, int port) {
        ServerProcess server = servers.start(name, Main.class, "phase3", settings, port);
        server.awaitReady(READY_WITHIN);
        return server;
    }
}
