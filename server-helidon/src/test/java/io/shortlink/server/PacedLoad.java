package io.shortlink.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A paced client load of redirects, counted on the client: {@link Profile#users()} virtual-thread
 * users, each sending a GET of one of {@code codes} every {@link Profile#pace()} (no catching up
 * after a slow answer: a slot missed by more than a pace is skipped) for {@link Profile#length()},
 * each with {@link Profile#requestTimeout()}; and one watcher reading the server's click backlog
 * gauges every 100 ms until {@link #stopWatching()}. What the client saw is the truth the fault
 * tests hold the server's click totals to.
 *
 * <pre>{@code
 * PacedLoad load = PacedLoad.start(base, codes, PacedLoad.Profile.of(100, Duration.ofMillis(200), Duration.ofSeconds(30)));
 * ... a fault, timed with load.elapsedNanos() ...
 * load.awaitEnd();
 * long[] seen = load.found302PerLink();
 * }</pre>
 *
 * <p>A request that got no answer (timeout, refused or reset connection) is a sample of status -1.
 */
final class PacedLoad {
    /**
     * @param users          concurrent users, each one virtual thread
     * @param pace           time between one user's requests
     * @param length         how long the load runs
     * @param requestTimeout longest wait for one answer, and for a connection
     */
    record Profile(int users, Duration pace, Duration length, Duration requestTimeout) {
        static Profile of(int users, Duration pace, Duration length) {
            return new Profile(users, pace, length, Duration.ofSeconds(2));
        }

        /** The fault tests' load: 100 users, one request each 200 ms, 500 redirects/s in all, for {@code length}. */
        static Profile fiveHundredPerSecond(Duration length) {
            return of(100, Duration.ofMillis(200), length);
        }

        /** Redirects per second in all. */
        double rate() {
            return users * 1e9 / pace.toNanos();
        }
    }

    /** One request: when it started (since the load's start), how long it took, its status (-1: no answer), its link. */
    record Sample(long startNanos, long latencyNanos, int status, int link) {
        long endNanos() {
            return startNanos + latencyNanos;
        }
    }

    /** The server's click backlog gauges at one moment of the load. */
    record Backlog(long atNanos, long clicks, double oldestSeconds) {
    }

    private static final Duration WATCH_EVERY = Duration.ofMillis(100);
    /** How long the watcher may outlive the load, waiting for the test to settle. */
    private static final Duration WATCH_AFTER_LOAD = Duration.ofSeconds(120);

    private final long t0 = System.nanoTime();
    private final URI base;
    private final String[] codes;
    private final Profile profile;
    private final HttpClient http;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Backlog> backlog = new ConcurrentLinkedQueue<>();
    private final List<Thread> users = new ArrayList<>();
    private Thread watcher;
    private volatile boolean watching = true;

    private PacedLoad(URI base, String[] codes, Profile profile) {
        this.base = base;
        this.codes = codes.clone();
        this.profile = profile;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(profile.requestTimeout())
                .build();
    }

    /** Starts the users and the watcher against the server at {@code base}. */
    static PacedLoad start(URI base, String[] codes, Profile profile) {
        PacedLoad load = new PacedLoad(base, codes, profile);
        for (int u = 0; u < profile.users(); u++) {
            int user = u;
            load.users.add(Thread.ofVirtual().name("paced-user-" + u).start(() -> load.user(user)));
        }
        load.watcher = Thread.ofVirtual().name("backlog-watcher").start(load::watch);
        return load;
    }

    long elapsedNanos() {
        return System.nanoTime() - t0;
    }

    /** Returns once the load has run for {@code elapsed}. */
    void awaitElapsed(Duration elapsed) {
        Await.until("the load running for " + elapsed, elapsed.plusSeconds(5), () -> elapsedNanos() >= elapsed.toNanos());
    }

    private void user(int user) {
        long pace = profile.pace().toNanos();
        long offset = pace * user / profile.users();
        long length = profile.length().toNanos();
        long requests = length / pace;
        for (long k = 0; k < requests; k++) {
            long due = offset + k * pace;
            if (due >= length) {
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
                .timeout(profile.requestTimeout()).GET().build();
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
        long polls = profile.length().plus(WATCH_AFTER_LOAD).toMillis() / WATCH_EVERY.toMillis();
        for (long i = 0; i < polls && watching; i++) {
            long at = elapsedNanos();
            try {
                HttpRequest request = HttpRequest.newBuilder(base.resolve("/observe/metrics"))
                        .header("Accept", "text/plain").timeout(profile.requestTimeout()).GET().build();
                String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                backlog.add(new Backlog(at, MetricsText.count(body, "shortlink_clicks_backlog"),
                        MetricsText.value(body, "shortlink_clicks_backlog_oldest_seconds")));
            } catch (Exception | AssertionError e) {
                if (e instanceof InterruptedException) {
                    return;
                }
            }
            LockSupport.parkNanos(WATCH_EVERY.toNanos());
        }
    }

    /** Returns once every user has sent its last request and had its answer (or timeout). */
    void awaitEnd() {
        for (Thread user : users) {
            try {
                if (!user.join(profile.length().plus(profile.requestTimeout()).plusSeconds(5))) {
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

    /** Per link (index into the codes), the 302s the client saw. */
    long[] found302PerLink() {
        long[] found = new long[codes.length];
        for (Sample s : samples) {
            if (s.status() == 302) {
                found[s.link()]++;
            }
        }
        return found;
    }

    /**
     * Requests that got no answer and were under way at some moment of [{@code fromNanos},
     * {@code toNanos}]: sent before {@code toNanos}, given up after {@code fromNanos}. Around a
     * kill, the requests the server may have counted without the client ever hearing of it.
     */
    long unansweredAround(long fromNanos, long toNanos) {
        return samples.stream()
                .filter(s -> s.status() == -1 && s.startNanos() <= toNanos && s.endNanos() >= fromNanos)
                .count();
    }

    /** A span of the load's time, in nanoseconds since its start: a fault, from when it began to when it ended. */
    record Span(long fromNanos, long toNanos) {
    }

    /**
     * Once the load has run for {@code at}, freezes {@code service} (SIGSTOP) for {@code length}
     * of load time, then resumes it (also when the wait fails); returns when that was.
     */
    Span freeze(LocalServices services, LocalServices.Service service, Duration at, Duration length) {
        awaitElapsed(at);
        long from;
        try (LocalServices.Paused paused = services.pause(service)) {
            from = elapsedNanos();
            awaitElapsed(Duration.ofNanos(from).plus(length));
        }
        return new Span(from, elapsedNanos());
    }

    /** The redirects before, during and after {@code fault}. */
    Windows around(Span fault) {
        return new Windows(window(0, fault.fromNanos()), window(fault.fromNanos(), fault.toNanos()),
                window(fault.toNanos(), Long.MAX_VALUE));
    }

    /** Redirects before, during and after a fault. */
    record Windows(Window before, Window during, Window after) {
        /** Requests not answered 302, in all three. */
        int failed() {
            return before.failed() + during.failed() + after.failed();
        }

        /** Three lines, {@code <test>: redirects before|during|after the <fault>: ...}. */
        void print(String test, String fault) {
            System.out.println(test + ": redirects before the " + fault + ": " + before);
            System.out.println(test + ": redirects during the " + fault + ": " + during);
            System.out.println(test + ": redirects after the " + fault + ":  " + after);
        }
    }

    /** The redirects whose request started in [{@code fromNanos}, {@code toNanos}). */
    Window window(long fromNanos, long toNanos) {
        return Window.of(samples(), fromNanos, toNanos);
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

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Redirects whose request started in one span of the load: how many, how answered, how fast. */
    record Window(int requests, int found, int failed, double p50Ms, double p99Ms, double maxMs) {
        static Window of(List<Sample> samples, long fromNanos, long toNanos) {
            List<Long> latencies = new ArrayList<>();
            int found = 0;
            int failed = 0;
            for (Sample s : samples) {
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
}
