package io.shortlink.server;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;

import static io.shortlink.server.TestApp.JsonRead.number;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared frame of the fault-under-load tests: links made and warmed up through the API (each
 * warm-up redirect a 302 the client saw, and the code cached), a {@link PacedLoad} on them, and at
 * the end, once the server's click totals have stopped moving, what the client saw beside what the
 * server recorded, per link and in total. The test in between injects its fault.
 *
 * <pre>{@code
 * RedirectsUnderLoad redirects = RedirectsUnderLoad.create(base, adminToken, "paused", 200);
 * PacedLoad load = redirects.start(profile);
 * ... the fault ...
 * RedirectsUnderLoad.Outcome outcome = redirects.settle(SETTLE_WITHIN, Duration.ofSeconds(2), redirects::kafkaPathIdle);
 * assertEquals(outcome.seen302(), outcome.recorded());
 * }</pre>
 */
final class RedirectsUnderLoad {
    /** How long the fault tests give the click totals to settle once the load has stopped. */
    static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);

    private final URI base;
    private final TestApp.Client client;
    private final String[] codes;
    private final long recordedBefore;
    private PacedLoad load;

    private RedirectsUnderLoad(URI base, TestApp.Client client, String[] codes, long recordedBefore) {
        this.base = base;
        this.client = client;
        this.codes = codes;
        this.recordedBefore = recordedBefore;
    }

    /**
     * Creates {@code links} links through the API and follows each once (a 302, and the code
     * cached); the server's total before this counts as the others' (an earlier test's, say).
     */
    static RedirectsUnderLoad create(URI base, String adminToken, String what, int links) {
        TestApp.Client client = new TestApp.Client(base, adminToken);
        long recordedBefore = number(client.get("/api/v1/stats").body(), "clicks");
        String[] codes = new String[links];
        for (int i = 0; i < links; i++) {
            codes[i] = client.create("https://example.org/" + what + "/" + i);
            assertEquals(302, client.get("/" + codes[i]).statusCode(), "warm-up: the code is cached now");
        }
        return new RedirectsUnderLoad(base, client, codes, recordedBefore);
    }

    PacedLoad start(PacedLoad.Profile profile) {
        load = PacedLoad.start(base, codes, profile);
        return load;
    }

    String[] codes() {
        return codes.clone();
    }

    /** The server's meters, Prometheus text. */
    String scrape() {
        return client.getWithAccept("/observe/metrics", "text/plain").body();
    }

    /**
     * Whether the Kafka click path holds nothing: the publisher's backlog is 0 and the consumer's
     * lag at most 0 (not 0: see ConsumerKilledIT's disabled test). A settle condition.
     */
    boolean kafkaPathIdle() {
        String metrics = scrape();
        return MetricsText.count(metrics, "shortlink_clicks_backlog") == 0
                && MetricsText.count(metrics, "shortlink_click_consumer_lag") == 0;
    }

    /** Clicks the server has recorded in all ({@code /api/v1/stats}). */
    long recorded() {
        return number(client.get("/api/v1/stats").body(), "clicks");
    }

    /**
     * Waits for the load's end, then until the recorded total has not moved for {@code stillFor}
     * while {@code quiet} holds, and compares.
     */
    Outcome settle(Duration within, Duration stillFor, BooleanSupplier quiet) {
        load.awaitEnd();
        long loadEndedAt = load.elapsedNanos();
        Await.settled("the server's click totals", within, stillFor, this::recorded, quiet);
        load.stopWatching();
        long settledAt = load.elapsedNanos();
        long[] seen = load.found302PerLink();
        long[] recorded = new long[codes.length];
        for (int i = 0; i < codes.length; i++) {
            seen[i]++;  // the warm-up
            recorded[i] = number(client.get("/api/v1/links/" + codes[i]).body(), "totalClicks");
        }
        return new Outcome(codes.clone(), seen, recorded, recorded() - recordedBefore, loadEndedAt, settledAt);
    }

    /**
     * What the client saw and what the server recorded, once settled.
     *
     * @param codes         the links
     * @param seen          per link, the 302s the client saw (warm-up included)
     * @param recorded      per link, the server's total
     * @param recordedTotal what the server's global total gained since {@link #create}
     * @param loadEndedAt   when the load's last answer came (nanoseconds since its start)
     * @param settledAt     when the totals had settled (same clock)
     */
    /**
     * What every fault test promises, checked together: the fault reached the click path, the
     * redirects of cached codes kept answering 302 through it, and the database holds exactly the
     * clicks the client saw, in all and per link.
     *
     * @param fault        the fault's window, as the windows name it ("pause", "outage")
     * @param faultReached the test's evidence that the fault was felt (a failed batch, a spill)
     */
    static void assertExactlyOnceThrough(String fault, PacedLoad.Windows windows, Outcome outcome,
                                         org.junit.jupiter.api.function.Executable faultReached) {
        assertAll(
                faultReached,
                () -> assertTrue(windows.during().found() > 0, "redirects answered 302 during the " + fault + ": "
                        + windows.during()),
                () -> assertEquals(0, windows.failed(), "every redirect of a cached code answered 302, " + fault
                        + " or not"),
                () -> assertEquals(outcome.seen302(), outcome.recordedTotal(),
                        "clicks recorded vs 302s the client saw (0 lost, 0 twice)"),
                () -> assertEquals(List.of(), outcome.linksOff(), "per link"));
    }

    record Outcome(String[] codes, long[] seen, long[] recorded, long recordedTotal, long loadEndedAt, long settledAt) {
        long seen302() {
            long sum = 0;
            for (long s : seen) {
                sum += s;
            }
            return sum;
        }

        /** The links whose total is not what the client saw, each with both figures. */
        List<String> linksOff() {
            return links((recordedHere, seenHere) -> !recordedHere.equals(seenHere));
        }

        /** The links the server recorded fewer clicks of than the client saw 302s for. */
        List<String> linksShort() {
            return links((recordedHere, seenHere) -> recordedHere < seenHere);
        }

        private List<String> links(BiPredicate<Long, Long> test) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < codes.length; i++) {
                if (test.test(recorded[i], seen[i])) {
                    out.add(codes[i] + " recorded " + recorded[i] + ", client saw " + seen[i]);
                }
            }
            return out;
        }

        /** Seconds from the load's end to settled totals. */
        double settleSeconds() {
            return PacedLoad.seconds(settledAt - loadEndedAt);
        }
    }
}
