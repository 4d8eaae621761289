package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static io.shortlink.server.RedirectsUnderLoad.SETTLE_WITHIN;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server on stack phase3 (clicks through Kafka, the consumer in its process) under a
 * paced load of redirects on cached codes while MariaDB is frozen (SIGSTOP) for 20 s: redirects
 * keep answering 302 (they publish to Kafka, never touch the database), the consumer's ledger
 * calls fail and are retried from the ledger's positions, and once the database is back every
 * click the client saw a 302 for is counted exactly once.
 *
 * <p>Needs the integration profile (MariaDB, Kafka) and the services of scripts/services
 * ({@link LocalServices#ofRepository()}: the MariaDB it freezes). Takes about 45 s.
 */
@ServerTest
final class Phase3DatabasePausedIT {
    private static final int LINKS = 200;
    private static final PacedLoad.Profile LOAD = PacedLoad.Profile.fiveHundredPerSecond(Duration.ofSeconds(30));
    private static final Duration PAUSE_AT = Duration.ofSeconds(5);
    private static final Duration PAUSE_FOR = Duration.ofSeconds(20);

    private static Phase3Server server;
    private final URI base;

    Phase3DatabasePausedIT(URI uri) {
        this.base = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        server = Phase3Server.serve(builder, "db-paused", Map.of());
    }

    @AfterAll
    static void close() {
        server.close();
    }

    @Test
    void databasePausedUnderLoad_redirectsKeepAnswering_andTheConsumerCountsEveryClickOnce() {
        LocalServices services = LocalServices.withMariaDb();
        RedirectsUnderLoad redirects = RedirectsUnderLoad.create(base, "db-paused", LINKS);
        String metricsBefore = redirects.scrape();

        PacedLoad load = redirects.start(LOAD);
        PacedLoad.Span pause = load.freeze(services, LocalServices.MARIADB_PRIMARY, PAUSE_AT, PAUSE_FOR);
        RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(2),
                redirects::kafkaPathIdle);

        PacedLoad.Windows windows = load.around(pause);
        String metricsAfter = redirects.scrape();
        long failedCalls = MetricsText.delta(metricsBefore, metricsAfter, "shortlink_click_batches_failed_total");
        long duplicated = MetricsText.delta(metricsBefore, metricsAfter, "shortlink_clicks_duplicated_total");

        System.out.printf("Phase3DatabasePausedIT: %d users, %d links, %.0f s load, MariaDB paused at %.1f s for %.1f s%n",
                LOAD.users(), LINKS, LOAD.length().toSeconds() * 1.0, PacedLoad.seconds(pause.fromNanos()),
                PacedLoad.seconds(pause.toNanos() - pause.fromNanos()));
        System.out.printf("Phase3DatabasePausedIT: 302s seen by the client %d (warm-up %d), clicks recorded %d, links off "
                        + "%d; consumer ledger calls failed %d, duplicates skipped %d; totals settled %.1f s after the load%n",
                outcome.seen302(), LINKS, outcome.recordedTotal(), outcome.linksOff().size(), failedCalls, duplicated,
                outcome.settleSeconds());
        windows.print("Phase3DatabasePausedIT", "pause");

        RedirectsUnderLoad.assertExactlyOnceThrough("pause", windows, outcome,
                () -> assertTrue(failedCalls > 0, "the consumer met the paused database"));
    }
}
