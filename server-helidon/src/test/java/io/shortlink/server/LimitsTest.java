package io.shortlink.server;

import io.shortlink.core.access.Scope;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.TestApp.JsonRead.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's rate limits over HTTP: 429 problems with Retry-After and the RateLimit headers, per key
 * and per client, keyless creates, and admins left alone. The server trusts loopback as a proxy
 * here, so each test is its own client through {@code X-Forwarded-For}; the clock stands still
 * unless a test moves it, so buckets refill only when told.
 */
@ServedApp(clockAt = "2026-03-01T10:00:00Z", settings = {
        "shortlink.limits.per-client.permits=5",
        "shortlink.limits.per-key.permits=3",
        "shortlink.limits.anonymous-create.permits=2",
        "shortlink.limits.trusted-proxies=127.0.0.1,::1",
        "shortlink.api.anonymous-create=true"})
class LimitsTest extends ServedAppTest {

    private TestApp.Client from(String client, Scope... scopes) {
        TestApp.Client anonymous = client(client);
        return scopes.length == 0 ? anonymous
                : anonymous.withToken(app.keys().issue("limits", Set.of(scopes), Optional.empty()).token());
    }

    private TestApp.Client client(String address) {
        return client.withToken(null).withHeader("X-Forwarded-For", address);
    }

    @Test
    void aKeysLimit_answers429_withRetryAfterAndTheRateLimitHeaders() {
        TestApp.Client reader = from("203.0.113.1", Scope.LINKS_READ);
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> ok = reader.get("/api/v1/links");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("\"client\";q=5;w=60, \"key\";q=3;w=60", ok.headers().firstValue("RateLimit-Policy").orElseThrow());
            // A full bucket again after (permits spent x window / permits): 12 s a client permit, 20 s a key's.
            assertEquals("\"client\";r=" + (5 - i) + ";t=" + 12 * i + ", \"key\";r=" + (3 - i) + ";t=" + 20 * i,
                    ok.headers().firstValue("RateLimit").orElseThrow());
        }

        HttpResponse<String> refused = reader.get("/api/v1/links");

        assertProblem(refused, 429, "rate-limited");
        assertEquals("rate limit 'key' spent: 3 per PT1M", string(refused.body(), "detail"));
        assertEquals("20", refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(refused.headers().firstValue("RateLimit").orElseThrow().endsWith("\"key\";r=0;t=60"),
                refused.headers().firstValue("RateLimit").orElseThrow());
    }

    @Test
    void aSpentBucket_refillsOnePermitPerWindowOverPermits() {
        TestApp.Client reader = from("203.0.113.2", Scope.LINKS_READ);
        for (int i = 0; i < 3; i++) {
            reader.get("/api/v1/links");
        }
        assertEquals(429, reader.get("/api/v1/links").statusCode());

        clock().advance(Duration.ofSeconds(20));

        assertEquals(200, reader.get("/api/v1/links").statusCode());
        assertEquals(429, reader.get("/api/v1/links").statusCode());
    }

    @Test
    void rotatingKeys_doesNotEscapeTheClientsLimit() {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, from("203.0.113.3", Scope.LINKS_READ).get("/api/v1/links").statusCode());
        }
        HttpResponse<String> refused = from("203.0.113.3", Scope.LINKS_READ).get("/api/v1/links");

        assertProblem(refused, 429, "rate-limited");
        assertEquals("rate limit 'client' spent: 5 per PT1M", string(refused.body(), "detail"));
        assertEquals(200, from("203.0.113.4", Scope.LINKS_READ).get("/api/v1/links").statusCode(),
                "another client is not limited by this one");
    }

    @Test
    void guessingKeys_spendsTheClientsLimit_then429InsteadOf401() {
        TestApp.Client guesser = client("203.0.113.5").withToken("slk_AAAAAAAAAA_" + "x".repeat(43));
        for (int i = 0; i < 5; i++) {
            assertEquals(401, guesser.get("/api/v1/links").statusCode());
        }
        assertProblem(guesser.get("/api/v1/links"), 429, "rate-limited");
    }

    @Test
    void keylessCreates_areTaken_limitedPerClient_andTheirLinksBelongToNoKey() {
        TestApp.Client anonymous = client("203.0.113.6");
        HttpResponse<String> made = anonymous.postJson("/api/v1/links", "{\"url\":\"https://example.org/anon\"}");
        assertEquals(201, made.statusCode(), made.body());
        assertEquals(201, anonymous.postJson("/api/v1/links", "{\"url\":\"https://example.org/anon2\"}").statusCode());

        HttpResponse<String> refused = anonymous.postJson("/api/v1/links", "{\"url\":\"https://example.org/anon3\"}");

        assertProblem(refused, 429, "rate-limited");
        assertEquals("rate limit 'anonymous-create' spent: 2 per PT1M", string(refused.body(), "detail"));
        String code = string(made.body(), "code");
        assertProblem(client("203.0.113.7").get("/api/v1/links/" + code), 401, "unauthenticated");
        assertEquals(200, client.get("/api/v1/links/" + code).statusCode(), "an admin reads it");
    }

    @Test
    void aKeySentWithACreate_mustStillBeValid_evenWithKeylessCreatesOn() {
        HttpResponse<String> res = client("203.0.113.8").withToken("not-a-key")
                .postJson("/api/v1/links", "{\"url\":\"https://example.org/x\"}");

        assertProblem(res, 401, "unauthenticated");
    }

    @Test
    void adminKeys_spendNoLimit() {
        TestApp.Client admin = client.withHeader("X-Forwarded-For", "203.0.113.9");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = admin.get("/api/v1/links");
            assertEquals(200, res.statusCode());
            assertFalse(res.headers().firstValue("RateLimit").isPresent());
        }
    }

    @Test
    void refusals_areCountedByLimit_inTheMetrics() {
        TestApp.Client reader = from("203.0.113.10", Scope.LINKS_READ);
        for (int i = 0; i < 4; i++) {
            reader.get("/api/v1/links");
        }
        String metrics = client.get("/observe/metrics").body();

        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("shortlink_ratelimit_refused_total{")
                && l.contains("limit=\"key\"")), metrics);
    }
}
