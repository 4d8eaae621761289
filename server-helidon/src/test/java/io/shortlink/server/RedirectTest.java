package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.ServerAssertions.assertRedirect;
import static io.shortlink.server.TestApp.JsonRead.number;
import static io.shortlink.server.TestApp.JsonRead.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ServedApp(clockAt = "2026-03-01T10:00:00Z")
class RedirectTest extends ServedAppTest {
    @Test
    void redirect_answers302_toTheTarget_withNoCacheAndNoIndex() {
        String code = client.create("https://example.org/path?q=1#f");

        HttpResponse<String> res = client.get("/" + code);

        assertRedirect(res, "https://example.org/path?q=1#f");
        assertEquals("private, max-age=0", res.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("noindex", res.headers().firstValue("X-Robots-Tag").orElseThrow());
    }

    @Test
    void redirect_isCounted_once() throws InterruptedException {
        String code = client.create("https://example.org/counted");

        client.get("/" + code);
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)));

        assertEquals(1, number(client.get("/api/v1/links/" + code).body(), "totalClicks"));
    }

    @Test
    void redirect_isNotCounted_forHeadRequests() throws InterruptedException {
        String code = client.create("https://example.org/head");

        HttpResponse<String> head = client.head("/" + code);
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)));

        assertRedirect(head, "https://example.org/head");
        assertEquals(0, number(client.get("/api/v1/links/" + code).body(), "totalClicks"));
    }

    @Test
    void unknownCode_answers404_asProblem() {
        assertProblem(client.get("/zzzzzzzzzz"), 404, "not-found");
    }

    @Test
    void pathThatCannotBeACode_answers404() {
        assertProblem(client.get("/a.b"), 404, "not-found");
        assertProblem(client.get("/" + "x".repeat(65)), 404, "not-found");
        assertProblem(client.get("/a/b/c"), 404, "not-found");
    }

    @Test
    void expiredLink_answers410_andIsNotCounted() throws InterruptedException {
        HttpResponse<String> created = client.postJson("/api/v1/links",
                "{\"url\":\"https://example.org/soon\",\"expiresAt\":\"2026-03-01T10:30:00Z\"}");
        String code = string(created.body(), "code");
        assertEquals(302, client.get("/" + code).statusCode());

        clock().advance(Duration.ofMinutes(30));
        try {
            assertProblem(client.get("/" + code), 410, "gone");
            assertTrue(app.clicks().flush(Duration.ofSeconds(10)));
            assertEquals(1, number(client.get("/api/v1/links/" + code).body(), "totalClicks"));
        } finally {
            clock().advance(Duration.ofMinutes(-30));
        }
    }

    @Test
    void codeCreatedAfterAMiss_redirectsAtOnce_theMissIsNotRemembered() {
        assertProblem(client.get("/later-alias"), 404, "not-found");

        client.postJson("/api/v1/links", "{\"url\":\"https://example.org/later\",\"alias\":\"later-alias\"}");

        assertEquals(302, client.get("/later-alias").statusCode());
    }
}
