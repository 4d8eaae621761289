package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first step of a graceful shutdown: readiness DOWN while requests are still served. */
@ServerTest
final class DrainingTest {
    private static ShortlinkApp app;
    private final TestApp.Client client;

    DrainingTest(URI uri) {
        this.client = new TestApp.Client(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        app = TestApp.serve(builder, new TestApp.MovableClock(Instant.parse("2026-03-01T10:00:00Z")));
    }

    @AfterAll
    static void close() {
        app.close();
    }

    @Test
    void draining_turnsReadinessDown_butStillRedirects() {
        String code = client.create("https://example.org/drain");
        assertEquals(200, client.get("/observe/health/ready").statusCode());

        app.startDraining();

        assertEquals(503, client.get("/observe/health/ready").statusCode());
        assertEquals(302, client.get("/" + code).statusCode());
    }
}
