package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

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
@ServedApp(stack = ServedApp.Stack.PHASE1)
final class DatabasePausedIT extends ServedAppTest {
    /** A batcher caught up holds only clicks younger than a linger and a transaction. */
    private static final double CAUGHT_UP_OLDEST_SECONDS = 1.0;

    @Test
    void databasePausedUnderLoad_redirectsKeepAnswering_andEveryClickIsCountedOnce() {
        DatabasePause paused = DatabasePause.underLoad(uri, adminToken, "paused");
        RedirectsUnderLoad redirects = paused.redirects();
        PacedLoad load = paused.load();
        long pausedAt = paused.span().fromNanos();
        long resumedAt = paused.span().toNanos();
        RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(1),
                () -> MetricsText.count(redirects.scrape(), "shortlink_clicks_backlog") == 0);

        PacedLoad.Windows windows = load.around(paused.span());
        String metricsAfter = redirects.scrape();
        long failedBatches = MetricsText.delta(paused.metricsBefore(), metricsAfter,
                "shortlink_click_batches_failed_total");
        long alreadyApplied = MetricsText.delta(paused.metricsBefore(), metricsAfter,
                "shortlink_clicks_already_applied_total");
        PacedLoad.Backlog peak = load.peakBacklog(pausedAt, resumedAt);
        double caughtUp = load.firstAfter(resumedAt, b -> b.oldestSeconds() < CAUGHT_UP_OLDEST_SECONDS);
        double drained = load.firstAfter(outcome.loadEndedAt(), b -> b.clicks() == 0);

        System.out.printf("DatabasePausedIT: %s%n", paused.describe());
        System.out.printf("DatabasePausedIT: 302s seen by the client %d (warm-up %d), clicks recorded %d, links off %d%n",
                outcome.seen302(), DatabasePause.LINKS, outcome.recordedTotal(), outcome.linksOff().size());
        windows.print("DatabasePausedIT", "pause");
        System.out.printf("DatabasePausedIT: click batches failed %d, clicks found already applied by a retry %d%n",
                failedBatches, alreadyApplied);
        System.out.printf("DatabasePausedIT: backlog peak %d clicks, oldest %.1f s; caught up (oldest < %.1f s) %.1f s "
                        + "after the resume; backlog 0 %.1f s after the load stopped; totals settled %.1f s after it%n",
                peak.clicks(), peak.oldestSeconds(), CAUGHT_UP_OLDEST_SECONDS, caughtUp, drained, outcome.settleSeconds());

        RedirectsUnderLoad.assertExactlyOnceThrough("pause", windows, outcome,
                () -> assertTrue(failedBatches > 0, "the click path met the paused database"));
    }
}
