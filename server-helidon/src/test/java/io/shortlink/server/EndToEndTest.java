package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.metrics.api.Metrics;
import io.shortlink.core.Click;
import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.shortlink.server.TestApp.JsonRead.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: the embedded default (H2 in a file, Caffeine, clicks batched in-process) or, as
 * {@code EndToEndIT}, the same on MariaDB.
 */
@ServedApp(databaseInFile = true)
class EndToEndTest extends ServedAppTest {
    @Test
    void thousandRedirects_fromEightThreads_countExactlyThousandClicks() throws Exception {
        String code = client.create("https://example.org/e2e");
        long clicksBefore = number(client.get("/api/v1/stats").body(), "clicks");
        String metricsBefore = client.getWithAccept("/observe/metrics", "text/plain").body();

        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Integer>> redirected = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            redirected.add(threads.submit(() -> {
                int found = 0;
                for (int i = 0; i < 125; i++) {
                    found += client.get("/" + code).statusCode() == 302 ? 1 : 0;
                }
                return found;
            }));
        }
        int total = 0;
        for (Future<Integer> f : redirected) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertEquals(1_000, total);
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)), "clicks flushed");
        long accepted = MetricsText.delta(metricsBefore,
                client.getWithAccept("/observe/metrics", "text/plain").body(), "shortlink_clicks_accepted_total");

        // The server answered each click it accepted; the JDK client may still have sent one
        // twice: it silently repeats a GET once when a pooled connection ends before any byte
        // of the answer (MultiExchange, ConnectionExpiredException). What is exact is that every
        // click the server accepted is counted once; the client's own tally is checked against
        // the server by the fault ITs and scripts/loadtest.
        assertTrue(accepted >= 1_000 && accepted <= 1_008, "one accepted click per 302, the odd client retry "
                + "aside: " + accepted);
        assertEquals(accepted, number(client.get("/api/v1/links/" + code).body(), "totalClicks"));
        assertEquals(accepted, number(client.get("/api/v1/links/" + code + "/stats").body(), "last24h"));
        assertEquals(clicksBefore + accepted, number(client.get("/api/v1/stats").body(), "clicks"));
    }

    @Test
    void linksAndAcceptedClicks_surviveAGracefulRestart() {
        Config config = TestApp.config(TestDatabase.freshInFile());
        ShortlinkConfig settings = ShortlinkConfig.from(config, "embedded");
        ServerMetrics metrics = new ServerMetrics(Metrics.globalRegistry());
        try (ShortlinkApp first = ShortlinkApp.open(settings, metrics, InstantSource.system())) {
            ShortCode code = new ShortCode("keepme1");
            first.store().create(Link.created(code, "https://example.org/kept",
                    InstantSource.system().instant(), java.util.Optional.empty()));
            for (int i = 0; i < 10; i++) {
                assertTrue(first.clicks().append(Click.of(code, InstantSource.system().instant())));
            }
            // no flush: close() alone must deliver what was accepted
        }
        try (ShortlinkApp second = ShortlinkApp.open(settings, metrics, InstantSource.system())) {
            assertEquals("https://example.org/kept", second.store().find(new ShortCode("keepme1")).orElseThrow().url());
            assertEquals(10, second.stats().totalClicks(new ShortCode("keepme1")));
        }
    }
}
