package io.shortlink.server;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first step of a graceful shutdown: readiness DOWN while requests are still served. */
@ServedApp(clockAt = "2026-03-01T10:00:00Z")
final class DrainingTest extends ServedAppTest {
    @Test
    void draining_turnsReadinessDown_butStillRedirects() {
        String code = client.create("https://example.org/drain");
        assertEquals(200, client.get("/observe/health/ready").statusCode());

        app.startDraining();

        assertEquals(503, client.get("/observe/health/ready").statusCode());
        assertEquals(302, client.get("/" + code).statusCode());
    }
}
