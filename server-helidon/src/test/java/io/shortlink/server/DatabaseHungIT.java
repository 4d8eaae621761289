package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database that hangs rather than fails: MariaDB behind a loopback {@link FaultProxy} that
 * keeps every connection open and stops forwarding a byte. Closing a pool (StoreDownTest) fails
 * at once; this is the harder case, where only timeouts can end a wait.
 *
 * <p>Promised: cached codes keep redirecting; an uncached code answers 503 within the configured
 * bounds (phase 1: Connector/J {@code socketTimeout} 3 s, pool {@code connection-timeout} 1 s) —
 * never a hang, never a 404, and no absence is remembered, so the same code redirects once the
 * database answers again; readiness turns 503 while it hangs and 200 after.
 *
 * <p>Needs the integration profile (MariaDB of scripts/services). About 15 s.
 */
@ServerTest
final class DatabaseHungIT {
    /** socketTimeout + connection-timeout of application-phase1.yaml, and a second for the rest. */
    private static final Duration BOUND = Duration.ofSeconds(3 + 1 + 1);

    private static FaultProxy proxy;
    private static ShortlinkApp app;
    private final TestApp.Client client;

    DatabaseHungIT(URI uri) {
        this.client = new TestApp.Client(uri, TestApp.adminToken(app));
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        String[] mariaDb = TestDatabase.mariaDbAddress().split(":");
        try {
            proxy = FaultProxy.to(mariaDb[0], Integer.parseInt(mariaDb[1]));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String url = TestDatabase.phase1Url("127.0.0.1:" + proxy.port(), TestDatabase.createOnMariaDb(), Map.of());
        app = TestApp.serve(builder, InstantSource.system(), TestApp.config("phase1", url,
                Map.of("shortlink.clicks.close-timeout", "PT0.5S")));
    }

    @AfterAll
    static void close() {
        proxy.resume();
        app.close();
        proxy.close();
    }

    @Test
    void hungDatabase_cachedCodesRedirect_othersAnswer503InBoundedTime_andAllIsBackWhenItAnswers() {
        String cached = client.create("https://example.org/hung-cached");
        String uncached = client.create("https://example.org/hung-uncached");
        assertEquals(302, client.get("/" + cached).statusCode());
        assertEquals(200, client.get("/observe/health/ready").statusCode());

        proxy.stall();
        try {
            for (int i = 0; i < 20; i++) {
                assertEquals(302, timed(() -> client.get("/" + cached), Duration.ofSeconds(1)).statusCode(),
                        "a cached code redirects while the database hangs");
            }
            HttpResponse<String> unknownNow = timed(() -> client.get("/" + uncached), BOUND);
            assertProblem(unknownNow, 503, "store-unavailable");
            assertEquals("1", unknownNow.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(503, timed(() -> client.get("/observe/health/ready"), BOUND).statusCode(),
                    "readiness reports the hung database");
        } finally {
            proxy.resume();
        }

        Await.until("readiness back once the database answers", Duration.ofSeconds(30),
                () -> client.get("/observe/health/ready").statusCode() == 200);
        assertEquals(302, client.get("/" + uncached).statusCode(), "no absence was remembered during the hang");
        assertEquals(302, client.get("/" + cached).statusCode());
    }

    /** The answer of {@code call}, which must come within {@code bound}. */
    private static HttpResponse<String> timed(java.util.function.Supplier<HttpResponse<String>> call, Duration bound) {
        long started = System.nanoTime();
        HttpResponse<String> res = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (res.statusCode() != 302) {
            System.out.printf("DatabaseHungIT: %d after %d ms (bound %d ms)%n", res.statusCode(), took.toMillis(),
                    bound.toMillis());
        }
        assertTrue(took.compareTo(bound) <= 0, "answered " + res.statusCode() + " after " + took.toMillis()
                + " ms, bound " + bound.toMillis() + " ms");
        return res;
    }
}
