package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.shortlink.server.TestApp.JsonRead.number;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    private static final int USERS = 100;
    /** Per user: 100 users, one request each 200 ms, 500 redirects/s in all. */
    private static final Duration PACE = Duration.ofMillis(200);
    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final Duration PAUSE_AT = Duration.ofSeconds(5);
    private static final Duration PAUSE_FOR = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);
    /** A batcher caught up holds only clicks younger than a linger and a transaction. */
    private static final double CAUGHT_UP_OLDEST_SECONDS = 1.0;

    private static ShortlinkApp app;
    private final URI base;
    private final TestApp.Client client;

    DatabasePausedIT(URI uri) {
        this.base = uri;
        this.client = new TestApp.Client(uri);
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
        LocalServices services = LocalServices.ofRepository();
        assertTrue(services.isRunning(LocalServices.MARIADB_PRIMARY), "the MariaDB of " + services.root()
                + " is not running; from a worktree name the checkout that started it: -D"
                + LocalServices.ROOT_PROPERTY + "=/path/to/it");
        String[] codes = new String[LINKS];
        long[] expected = new long[LINKS];
        for (int i = 0; i < LINKS; i++) {
            codes[i] = client.create("https://example.org/paused/" + i);
            assertEquals(302, client.get("/" + codes[i]).statusCode(), "warm-up: the code is cached now");
            expected[i] = 1;
        }
        String metricsBefore = scrape();

        PacedLoad load = PacedLoad.start(base, codes);
        Await.until("the load running for " + PAUSE_AT, PAUSE_AT.plusSeconds(5),
                () -> load.elapsedNanos() >= PAUSE_AT.toNanos());
        long pausedAt;
        long resumedAt;
        LocalServices.Paused paused = services.pause(LocalServices.MARIADB_PRIMARY);
        try {
            pausedAt = load.elapsedNanos();
            Await.until("MariaDB paused for " + PAUSE_FOR, PAUSE_FOR.plusSeconds(5),
                    () -> load.elapsedNanos() - pausedAt >= PAUSE_FOR.toNanos());
        } finally {
            paused.close();
        }
        resumedAt = load.elapsedNanos();
        load.awaitEnd();
        long loadEndedAt = load.elapsedNanos();
        Await.until("the server's click totals to stop moving", SETTLE_WITHIN, new Settled());
        load.stopWatching();
        long settledAt = load.elapsedNanos();

        List<PacedLoad.Sample> samples = load.samples();
        for (PacedLoad.Sample s : samples) {
            if (s.status() == 302) {
                expected[s.link()]++;
            }
        }
        long seen302 = Arrays.stream(expected).sum();
        long recorded = number(client.get("/api/v1/stats").body(), "clicks");
        List<String> linksOff = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            long total = number(client.get("/api/v1/links/" + codes[i]).body(), "totalClicks");
            if (total != expected[i]) {
                linksOff.add(codes[i] + " recorded " + total + ", client saw " + expected[i]);
            }
        }
        Window before = Window.of(samples, 0, pausedAt);
        Window during = Window.of(samples, pausedAt, resumedAt);
        Window after = Window.of(samples, resumedAt, Long.MAX_VALUE);
        String metricsAfter = scrape();
        long failedBatches = (long) (value(metricsAfter, "shortlink_click_batches_failed_total")
                - value(metricsBefore, "shortlink_click_batches_failed_total"));
        long alreadyApplied = (long) (value(metricsAfter, "shortlink_clicks_already_applied_total")
                - value(metricsBefore, "shortlink_clicks_already_applied_total"));
        PacedLoad.Backlog peak = load.peakBacklog(pausedAt, resumedAt);
        double caughtUp = load.firstAfter(resumedAt, b -> b.oldestSeconds() < CAUGHT_UP_OLDEST_SECONDS);
        double drained = load.firstAfter(loadEndedAt, b -> b.clicks() == 0);

        System.out.printf("DatabasePausedIT: %d users, %d links, %.0f s load, MariaDB paused at %.1f s for %.1f s%n",
                USERS, LINKS, LOAD.toSeconds() * 1.0, seconds(pausedAt), seconds(resumedAt - pausedAt));
        System.out.printf("DatabasePausedIT: 302s seen by the client %d (warm-up %d), clicks recorded %d, links off %d%n",
                seen302, LINKS, recorded, linksOff.size());
        System.out.println("DatabasePausedIT: redirects before the pause " + before);
        System.out.println("DatabasePausedIT: redirects during the pause " + during);
        System.out.println("DatabasePausedIT: redirects after the pause  " + after);
        System.out.printf("DatabasePausedIT: click batches failed %d, clicks found already applied by a retry %d%n",
                failedBatches, alreadyApplied);
        System.out.printf("DatabasePausedIT: backlog peak %d clicks, oldest %.1f s; caught up (oldest < %.1f s) %.1f s "
                        + "after the resume; backlog 0 %.1f s after the load stopped; totals settled %.1f s after it%n",
                peak.clicks(), peak.oldestSeconds(), CAUGHT_UP_OLDEST_SECONDS, caughtUp, drained,
                seconds(settledAt - loadEndedAt));

        assertAll(
                () -> assertTrue(failedBatches > 0, "the click path met the paused database"),
                () -> assertTrue(during.found() > 0, "redirects answered 302 during the pause: " + during),
                () -> assertEquals(0, before.failed() + during.failed() + after.failed(),
                        "every redirect of a cached code answered 302, paused database or not"),
                () -> assertEquals(seen302, recorded, "clicks recorded vs 302s the client saw (0 lost, 0 twice)"),
                () -> assertEquals(List.of(), linksOff, "per link"));
    }

    /** True once the batcher holds nothing and the recorded total has not moved for a second. */
    private final class Settled implements BooleanSupplier {
        private static final long CHECK_EVERY = TimeUnit.MILLISECONDS.toNanos(200);
        private static final long STILL_FOR = TimeUnit.SECONDS.toNanos(1);
        private long checkedAt = System.nanoTime() - CHECK_EVERY;
        private long clicks = -1;
        private long since;

        @Override
        public boolean getAsBoolean() {
            long now = System.nanoTime();
            if (now - checkedAt < CHECK_EVERY) {
                return false;
            }
            checkedAt = now;
            long recorded = number(client.get("/api/v1/stats").body(), "clicks");
            if (recorded != clicks || value(scrape(), "shortlink_clicks_backlog") != 0) {
                clicks = recorded;
                since = now;
                return false;
            }
            return now - since >= STILL_FOR;
        }
    }

    private String scrape() {
        return client.getWithAccept("/observe/metrics", "text/plain").body();
    }

    /** The first value of metric {@code name} (whatever its labels) in a Prometheus text exposition. */
    private static double value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no metric " + name + " in /observe/metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Redirects whose request started in one span of the load. */
    private record Window(int requests, int found, int failed, double p50Ms, double p99Ms, double maxMs) {
        static Window of(List<PacedLoad.Sample> samples, long fromNanos, long toNanos) {
            List<Long> latencies = new ArrayList<>();
            int found = 0;
            int failed = 0;
            for (PacedLoad.Sample s : samples) {
                if (s.startNanos() < fromNanos || s.startNanos() >= toNanos) {
                    continue;
                }
                latencies.add(s.latencyNanos());
                if (s.status() == 302) {
                    found++;
                } else {
                    failed++;
                }
            }
            latencies.sort(null);
            return new Window(latencies.size(), found, failed, percentileMs(latencies, 0.50),
                    percentileMs(latencies, 0.99), percentileMs(latencies, 1.0));
        }

        private static double percentileMs(List<Long> sorted, double q) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, index)) / 1e6;
        }

        @Override
        public String toString() {
            return "%d requests, %d answered 302, %d not (timeout, error or other status); latency p50 %.2f ms, "
                    .formatted(requests, found, failed, p50Ms) + "p99 %.2f ms, max %.2f ms".formatted(p99Ms, maxMs);
        }
    }

    /**
     * {@value #USERS} virtual-thread users, each sending a GET of a cached code every
     * {@link #PACE} (no catching up after a slow answer) for {@link #LOAD}, with a
     * {@link #REQUEST_TIMEOUT}; and one watcher reading the click backlog gauges every 100 ms
     * until {@link #stopWatching()}.
     */
    private static final class PacedLoad {
        record Sample(long startNanos, long latencyNanos, int status, int link) {
        }

        record Backlog(long atNanos, long clicks, double oldestSeconds) {
        }

        private static final Duration WATCH_EVERY = Duration.ofMillis(100);

        private final long t0 = System.nanoTime();
        private final URI base;
        private final String[] codes;
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Backlog> backlog = new ConcurrentLinkedQueue<>();
        private final List<Thread> users = new ArrayList<>();
        private Thread watcher;
        private volatile boolean watching = true;

        private PacedLoad(URI base, String[] codes) {
            this.base = base;
            this.codes = codes;
        }

        static PacedLoad start(URI base, String[] codes) {
            PacedLoad load = new PacedLoad(base, codes);
            for (int u = 0; u < USERS; u++) {
                int user = u;
                load.users.add(Thread.ofVirtual().name("paced-user-" + u).start(() -> load.user(user)));
            }
            load.watcher = Thread.ofVirtual().name("backlog-watcher").start(load::watch);
            return load;
        }

        long elapsedNanos() {
            return System.nanoTime() - t0;
        }

        private void user(int user) {
            long pace = PACE.toNanos();
            long offset = pace * user / USERS;
            long requests = LOAD.toNanos() / pace;
            for (long k = 0; k < requests; k++) {
                long due = offset + k * pace;
                if (due >= LOAD.toNanos()) {
                    return;
                }
                long wait = due - elapsedNanos();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (-wait > pace) {
                    continue;   // a slot missed by more than a pace is skipped, not sent late in a burst
                }
                int link = (int) ((user * 7L + k * 13L) % codes.length);
                samples.add(send(link));
            }
        }

        private Sample send(int link) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/" + codes[link]))
                    .timeout(REQUEST_TIMEOUT).GET().build();
            long start = elapsedNanos();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                status = -1;
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Sample(start, elapsedNanos() - start, status, link);
        }

        private void watch() {
            long polls = (LOAD.plus(SETTLE_WITHIN).plusSeconds(10)).toMillis() / WATCH_EVERY.toMillis();
            for (long i = 0; i < polls && watching; i++) {
                long at = elapsedNanos();
                try {
                    HttpRequest request = HttpRequest.newBuilder(base.resolve("/observe/metrics"))
                            .header("Accept", "text/plain").timeout(REQUEST_TIMEOUT).GET().build();
                    String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                    backlog.add(new Backlog(at, (long) value(body, "shortlink_clicks_backlog"),
                            value(body, "shortlink_clicks_backlog_oldest_seconds")));
                } catch (Exception | AssertionError e) {
                    if (e instanceof InterruptedException) {
                        return;
                    }
                }
                LockSupport.parkNanos(WATCH_EVERY.toNanos());
            }
        }

        void awaitEnd() {
            for (Thread user : users) {
                try {
                    if (!user.join(LOAD.plus(REQUEST_TIMEOUT).plusSeconds(5))) {
                        throw new AssertionError(user.getName() + " still running after the load's end");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }

        void stopWatching() {
            watching = false;
            watcher.interrupt();
        }

        List<Sample> samples() {
            return List.copyOf(samples);
        }

        Backlog peakBacklog(long fromNanos, long toNanos) {
            Backlog peak = new Backlog(fromNanos, 0, 0);
            for (Backlog b : backlog) {
                if (b.atNanos() >= fromNanos && b.atNanos() < toNanos && b.clicks() >= peak.clicks()) {
                    peak = b;
                }
            }
            return peak;
        }

        /** Seconds from {@code fromNanos} to the first backlog reading after it that passes {@code test}; NaN if none. */
        double firstAfter(long fromNanos, Predicate<Backlog> test) {
            for (Backlog b : backlog) {
                if (b.atNanos() >= fromNanos && test.test(b)) {
                    return seconds(b.atNanos() - fromNanos);
                }
            }
            return Double.NaN;
        }
    }
}
