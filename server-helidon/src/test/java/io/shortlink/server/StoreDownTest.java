package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With the database gone, the service degrades in bounded time: cached codes still redirect,
 * everything that needs the store answers 503 with Retry-After, readiness reports DOWN.
 */
@ServedApp(settings = "shortlink.clicks.close-timeout=PT0.2S")
class StoreDownTest extends ServedAppTest {
    @Test
    void databaseDown_cachedCodesRedirect_restAnswers503_readinessDown() {
        String cached = client.create("https://example.org/cached");
        String uncached = client.create("https://example.org/uncached");
        assertEquals(302, client.get("/" + cached).statusCode());

        app.database().close();

        assertEquals(302, client.get("/" + cached).statusCode(), "served from the cache");
        HttpResponse<String> res = client.get("/" + uncached);
        assertProblem(res, 503, "store-unavailable");
        assertEquals("1", res.headers().firstValue("Retry-After").orElseThrow());
        assertProblem(client.get("/NeverMade1"), 503, "store-unavailable");
        assertProblem(client.get("/NeverMade1"), 503, "store-unavailable"); // no absence remembered while it failed
        assertProblem(client.postJson("/api/v1/links", "{\"url\":\"https://example.org/new\"}"), 503, "store-unavailable");
        assertEquals(503, client.get("/observe/health/ready").statusCode());
    }
}
