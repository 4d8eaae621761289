package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static io.shortlink.server.RedirectsUnderLoad.SETTLE_WITHIN;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server (phase-1 pool and JDBC timeouts, cache on, clicks batched in-process) on its own
 * MariaDB database, under a paced load of redirects on cached codes, while MariaDB is frozen
 * (SIGSTOP) for 20 s: redirects keep answering 302, the clicks wait in the batcher, and once the
 * database is back every click the client saw a 302 for is counted exactly once. Prints the
 * redirect latency before, during and after the pause and how long the backlog took to drain.
 *
 * <p>Needs the integration profile and the services of scripts/services, found by
 * {@link LocalServices#ofRepository()} (from a worktree: {@code -Dshortlink.services.root=...}).
 * Takes about 40 s.
 */
@ServerTest
final class DatabasePausedIT {
    private static final int LINKS = 200;
    private static final PacedLoad.Profile LOAD = PacedLoad.Profile.fiveHundredPerSecond(Duration.ofSeconds(30));
    private static final Duration PAUSE_AT = Duration.ofSeconds(5);
    private static final Duration PAUSE_FOR = Duration.ofSeconds(20);
    /** A batcher caught up holds only clicks younger than a linger and a transaction. */
    private static final double CAUGHT_UP_OLDEST_SECONDS = 1.0;

    private static ShortlinkApp app;
    private final URI base;

    DatabasePausedIT(URI uri) {
        this.base = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        String database = TestDatabase.phase1Url(TestDatabase.mariaDbAddress(), TestDatabase.createOnMariaDb(), Map.of());
        app = TestApp.serve(builder, InstantSource.system(), TestApp.config("phase1", database, Map.of()));
    }

    @AfterAll
    static void close() {
        app.close();
    }

    @Test
    void databasePausedUnderLoad_redirectsKeepAnswering_andEveryClickIsCountedOnce() {
        LocalServices services = LocalServices.withMariaDb();
        RedirectsUnderLoad redirects = RedirectsUnderLoad.create(base, "paused", LINKS);
        String metricsBefore = redirects.scrape();

        PacedLoad load = redirects.start(LOAD);
        PacedLoad.Span pause = load.freeze(services, LocalServices.MARIADB_PRIMARY, PAUSE_AT, PAUSE_FOR);
        long pausedAt = pause.fromNanos();
        long resumedAt = pause.toNanos();
        RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(1),
                () -> MetricsText.count(redirects.scrape(), "shortlink_clicks_backlog") == 0);

        PacedLoad.Windows windows = load.around(pause);
        String metricsAfter = redirects.scrape();
        long failedBatches = MetricsText.delta(metricsBefore, metricsAfter, "shortlink_click_batches_failed_total");
        long alreadyApplied = MetricsText.delta(metricsBefore, metricsAfter, "shortlink_clicks_already_applied_total");
        PacedLoad.Backlog peak = load.peakBacklog(pausedAt, resumedAt);
        double caughtUp = load.firstAfter(resumedAt, b -> b.oldestSeconds() < CAUGHT_UP_OLDEST_SECONDS);
        double drained = load.firstAfter(outcome.loadEndedAt(), b -> b.clicks() == 0);

        System.out.printf("DatabasePausedIT: %d users, %d links, %.0f s load, MariaDB paused at %.1f s for %.1f s%n",
                LOAD.users(), LINKS, LOAD.length().toSeconds() * 1.0, seconds(pausedAt), seconds(resumedAt - pausedAt));
        System.out.printf("DatabasePausedIT: 302s seen by the client %d (warm-up %d), clicks recorded %d, links off %d%n",
                outcome.seen302(), LINKS, outcome.recordedTotal(), outcome.linksOff().size());
        windows.print("DatabasePausedIT", "pause");
        System.out.printf("DatabasePausedIT: click batches failed %d, clicks found already applied by a retry %d%n",
                failedBatches, alreadyApplied);
        System.out.printf("DatabasePausedIT: backlog peak %d clicks, oldest %.1f s; caught up (oldest < %.1f s) %.1f s "
                        + "after the resume; backlog 0 %.1f s after the load stopped; totals settled %.1f s after it%n",
                peak.clicks(), peak.oldestSeconds(), CAUGHT_UP_OLDEST_SECONDS, caughtUp, drained, outcome.settleSeconds());

        RedirectsUnderLoad.assertExactlyOnceThrough("pause", windows, outcome,
                () -> assertTrue(failedBatches > 0, "the click path met the paused database"));
    }

    private static double seconds(long nanos) {
        return PacedLoad.seconds(nanos);
    }
}
