package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.shortlink.server.RedirectsUnderLoad.SETTLE_WITHIN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server on stack phase2 with an in-process tier of 16 entries, so that most of the
 * redirects on its 200 links read Redis, under a paced load while scripts/services' Redis is first
 * frozen (SIGSTOP, 10 s), then killed (SIGKILL) and started again: redirects keep answering 302
 * (the breaker sends them to MariaDB), none waits long (a bound from the tier's settings, not a
 * measurement), every click the client saw is counted once, and Redis is read again after each
 * fault. Needs the integration profile (MariaDB, Redis); about 45 s.
 */
@ServedApp(stack = ServedApp.Stack.PHASE2, settings = "shortlink.cache.l1-max-entries=16")
final class RedisFaultsIT extends ServedAppTest {
    /**
     * The longest a redirect may take while Redis fails: a command timeout (50 ms) per Redis call
     * a miss makes before the breaker opens, and the database; 1 s leaves room for a loaded VM.
     */
    private static final Duration BOUND = Duration.ofSeconds(1);

    @Test
    void redisFrozenThenKilled_redirectsKeepAnswering_withinABound_andEveryClickIsCountedOnce() {
        LocalServices services = LocalServices.ofRepository();
        RedirectsUnderLoad redirects = RedirectsUnderLoad.create(uri, adminToken, "redis-faults", 200);
        String before = redirects.scrape();
        PacedLoad load = redirects.start(PacedLoad.Profile.fiveHundredPerSecond(Duration.ofSeconds(35)));

        PacedLoad.Span frozen = load.freeze(services, LocalServices.REDIS, Duration.ofSeconds(5), Duration.ofSeconds(10));
        double l2HitsAfterThaw = awaitL2Hits(redirects, "after the thaw");
        load.awaitElapsed(Duration.ofNanos(frozen.toNanos()).plusSeconds(5));
        long killedAt = load.elapsedNanos();
        services.kill9(LocalServices.REDIS);
        load.awaitElapsed(Duration.ofNanos(killedAt).plusSeconds(3));
        services.up(LocalServices.REDIS);
        PacedLoad.Span killed = new PacedLoad.Span(killedAt, load.elapsedNanos());
        double l2HitsAfterRestart = awaitL2Hits(redirects, "after the restart");

        RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(1),
                () -> MetricsText.count(redirects.scrape(), "shortlink_clicks_backlog") == 0);
        String after = redirects.scrape();
        PacedLoad.Windows aroundFreeze = load.around(frozen);
        PacedLoad.Windows aroundKill = load.around(killed);
        double failures = MetricsText.sum(after, "shortlink_cache_tier_failures_total", "tier=\"l2\"")
                - MetricsText.sum(before, "shortlink_cache_tier_failures_total", "tier=\"l2\"");
        double opened = MetricsText.sum(after, "shortlink_cache_tier_transitions_total", "state=\"open\"")
                - MetricsText.sum(before, "shortlink_cache_tier_transitions_total", "state=\"open\"");

        aroundFreeze.print("RedisFaultsIT", "Redis frozen 10 s");
        aroundKill.print("RedisFaultsIT", "Redis killed and restarted");
        System.out.printf("RedisFaultsIT: 302s seen %d, recorded %d; L2 failures %.0f, breaker opened %.0f times; "
                        + "L2 hits seen again %.0f after the thaw, %.0f after the restart%n", outcome.seen302(),
                outcome.recordedTotal(), failures, opened, l2HitsAfterThaw, l2HitsAfterRestart);

        RedirectsUnderLoad.assertExactlyOnceThrough("Redis faults", aroundFreeze, outcome, () -> assertAll(
                () -> assertTrue(failures > 0, "the tier met the faults"),
                () -> assertTrue(opened >= 1, "the breaker opened"),
                () -> assertTrue(aroundFreeze.during().maxMs() < BOUND.toMillis(),
                        "slowest redirect while Redis was frozen: " + aroundFreeze.during()),
                () -> assertTrue(aroundKill.during().maxMs() < BOUND.toMillis(),
                        "slowest redirect while Redis was down: " + aroundKill.during()),
                () -> assertTrue(aroundKill.during().failed() == 0 && aroundKill.after().failed() == 0,
                        "every redirect answered 302 around the kill: " + aroundKill.during())));
    }

    /** Waits (bounded) until redirects are served from Redis again; returns the L2 hits counted so far. */
    private static double awaitL2Hits(RedirectsUnderLoad redirects, String when) {
        double[] start = {l2Hits(redirects.scrape())};
        Await.until("Redis serves redirects again " + when, Duration.ofSeconds(10),
                () -> l2Hits(redirects.scrape()) > start[0]);
        return l2Hits(redirects.scrape());
    }

    private static double l2Hits(String metrics) {
        return MetricsText.sum(metrics, "shortlink_cache_lookups_total", "result=\"hit\"", "tier=\"l2\"");
    }
}
