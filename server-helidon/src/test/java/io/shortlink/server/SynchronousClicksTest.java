package io.shortlink.server;

import org.junit.jupiter.api.Test;


import static io.shortlink.server.TestApp.JsonRead.number;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The measurement-only starting point: no cache, each redirect writes its click before answering. */
@ServedApp(settings = {"shortlink.clicks.mode=synchronous", "shortlink.cache.enabled=false"})
final class SynchronousClicksTest extends ServedAppTest {
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
