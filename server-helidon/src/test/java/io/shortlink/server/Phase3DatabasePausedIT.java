package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

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
@ServedApp(stack = ServedApp.Stack.PHASE3, topic = "db-paused")
final class Phase3DatabasePausedIT extends ServedAppTest {
    @Test
    void databasePausedUnderLoad_redirectsKeepAnswering_andTheConsumerCountsEveryClickOnce() {
        DatabasePause paused = DatabasePause.underLoad(uri, adminToken, "db-paused");
        RedirectsUnderLoad redirects = paused.redirects();
        RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(2),
                redirects::kafkaPathIdle);

        PacedLoad.Windows windows = paused.load().around(paused.span());
        String metricsAfter = redirects.scrape();
        long failedCalls = MetricsText.delta(paused.metricsBefore(), metricsAfter, "shortlink_click_batches_failed_total");
        long duplicated = MetricsText.delta(paused.metricsBefore(), metricsAfter, "shortlink_clicks_duplicated_total");

        System.out.printf("Phase3DatabasePausedIT: %s%n", paused.describe());
        System.out.printf("Phase3DatabasePausedIT: 302s seen by the client %d (warm-up %d), clicks recorded %d, links off "
                        + "%d; consumer ledger calls failed %d, duplicates skipped %d; totals settled %.1f s after the load%n",
                outcome.seen302(), DatabasePause.LINKS, outcome.recordedTotal(), outcome.linksOff().size(), failedCalls,
                duplicated, outcome.settleSeconds());
        windows.print("Phase3DatabasePausedIT", "pause");

        RedirectsUnderLoad.assertExactlyOnceThrough("pause", windows, outcome,
                () -> assertTrue(failedCalls > 0, "the consumer met the paused database"));
    }
}
