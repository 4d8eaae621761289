package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.InstantSource;
import java.util.Map;

import static io.shortlink.server.TestApp.JsonRead.number;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The measurement-only starting point: no cache, each redirect writes its click before answering. */
@ServerTest
final class SynchronousClicksTest {
    private static ShortlinkApp app;
    private final TestApp.Client client;

    SynchronousClicksTest(URI uri) {
        this.client = new TestApp.Client(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        app = TestApp.serve(builder, InstantSource.system(), TestApp.config(TestDatabase.fresh(),
                Map.of("shortlink.clicks.mode", "synchronous", "shortlink.cache.enabled", "false")));
    }

    @AfterAll
    static void close() {
        app.close();
    }

    @Test
    void eachRedirect_isInTheDatabase_beforeItIsAnswered() {
        String code = client.create("https://example.org/sync");

        for (int i = 0; i < 3; i++) {
            assertEquals(302, client.get("/" + code).statusCode());
        }

        assertEquals(3, number(client.get("/api/v1/links/" + code).body(), "totalClicks"), "no flush needed");
    }

    @Test
    void withoutCache_aDeleteIsSeenAtOnce() {
        String code = client.create("https://example.org/uncached");
        assertEquals(302, client.get("/" + code).statusCode());

        client.delete("/api/v1/links/" + code);

        assertEquals(410, client.get("/" + code).statusCode());
    }
}
