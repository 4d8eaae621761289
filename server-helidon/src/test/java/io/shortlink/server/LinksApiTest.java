package io.shortlink.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.TestApp.JsonRead.number;
import static io.shortlink.server.TestApp.JsonRead.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ServedApp(clockAt = "2026-03-01T10:00:00Z")
class LinksApiTest extends ServedAppTest {
    @Test
    void create_answers201_withLocationAndBody() {
        HttpResponse<String> res = client.postJson("/api/v1/links", "{\"url\":\"https://example.org/path?q=1#f\"}");

        assertEquals(201, res.statusCode(), res.body());
        String code = string(res.body(), "code");
        assertTrue(code.matches("[A-Za-z0-9]{7}"), code);
        assertEquals(TestApp.BASE_URL + "/api/v1/links/" + code, res.headers().firstValue("Location").orElseThrow());
        assertEquals(TestApp.BASE_URL + "/" + code, string(res.body(), "shortUrl"));
        assertEquals("https://example.org/path?q=1#f", string(res.body(), "url"));
        assertEquals(clock().instant().toString(), string(res.body(), "createdAt"));
        assertTrue(TestApp.JsonRead.tree(res.body()).get("expiresAt").isNull());
    }

    @Test
    void create_withAlias_usesTheAlias_caseSensitively() {
        assertEquals(201, client.postJson("/api/v1/links", "{\"url\":\"https://example.org/a\",\"alias\":\"Promo-2026\"}").statusCode());
        HttpResponse<String> lower = client.postJson("/api/v1/links", "{\"url\":\"https://example.org/b\",\"alias\":\"promo-2026\"}");

        assertEquals(201, lower.statusCode(), "a code differing only in case is another code");
        assertEquals("https://example.org/a", string(client.get("/api/v1/links/Promo-2026").body(), "url"));
        assertEquals("https://example.org/b", string(client.get("/api/v1/links/promo-2026").body(), "url"));
    }

    @Test
    void create_withTakenAlias_answers409() {
        client.postJson("/api/v1/links", "{\"url\":\"https://example.org/\",\"alias\":\"taken-one\"}");

        HttpResponse<String> res = client.postJson("/api/v1/links", "{\"url\":\"https://example.org/x\",\"alias\":\"taken-one\"}");

        assertProblem(res, 409, "code-taken");
    }

    @Test
    void create_withAliasOfDeletedLink_answers409_codesAreNeverReused() {
        client.postJson("/api/v1/links", "{\"url\":\"https://example.org/\",\"alias\":\"gone-alias\"}");
        assertEquals(204, client.delete("/api/v1/links/gone-alias").statusCode());

        assertProblem(client.postJson("/api/v1/links", "{\"url\":\"https://example.org/\",\"alias\":\"gone-alias\"}"), 409, "code-taken");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"url\":\"javascript:alert(1)\"}                      | 400 | url-scheme-not-allowed",
            "{\"url\":\"http://127.0.0.1/admin\"}                   | 400 | url-host-private",
            "{\"url\":\"https://sho.rt/abc\"}                       | 400 | url-host-self",
            "{\"url\":\"\"}                                         | 400 | url-missing",
            "{}                                                     | 400 | url-missing",
            "{\"url\":\"https://example.org\",\"alias\":\"ab\"}     | 400 | alias-invalid",
            "{\"url\":\"https://example.org\",\"alias\":\"API\"}    | 400 | alias-reserved",
            "{\"url\":\"https://example.org\",\"alias\":\"a b c d\"}| 400 | alias-invalid",
            "{\"url\":\"https://example.org\",\"expiresAt\":\"2026-03-01T09:00:00Z\"} | 400 | expiry-invalid",
            "{\"url\":\"https://example.org\",\"expiresAt\":\"tomorrow\"}             | 400 | expiry-invalid",
            "{\"url\":\"https://example.org\",\"extra\":1}          | 400 | invalid-field",
            "{\"url\":42}                                           | 400 | invalid-field",
            "{\"url\":                                              | 400 | malformed-json",
            "[\"https://example.org\"]                              | 400 | malformed-json",
            "{\"url\":\"https://example.org\"} trailing             | 400 | malformed-json",
    })
    void create_refusesBadInput_withTheBrokenRule(String body, int status, String type) {
        assertProblem(client.postJson("/api/v1/links", body), status, type);
    }

    @Test
    void create_refusesOtherContentTypes_with415() {
        assertProblem(client.post("/api/v1/links", "text/plain", "{\"url\":\"https://example.org\"}"), 415, "unsupported-media-type");
        assertProblem(client.post("/api/v1/links", null, "{\"url\":\"https://example.org\"}"), 415, "unsupported-media-type");
    }

    @Test
    void create_acceptsJsonWithCharset() {
        assertEquals(201, client.post("/api/v1/links", "application/json; charset=utf-8", "{\"url\":\"https://example.org\"}").statusCode());
    }

    @Test
    void create_refusesBodiesOver8KiB_with413() {
        String body = "{\"url\":\"https://example.org/" + "a".repeat(9_000) + "\"}";

        assertProblem(client.postJson("/api/v1/links", body), 413, "payload-too-large");
    }

    @Test
    void create_withExpiry_reportsIt() {
        HttpResponse<String> res = client.postJson("/api/v1/links", "{\"url\":\"https://example.org\",\"expiresAt\":\"2026-03-02T00:00:00Z\"}");

        assertEquals(201, res.statusCode(), res.body());
        assertEquals("2026-03-02T00:00:00Z", string(res.body(), "expiresAt"));
    }

    @Test
    void metadata_showsLinkAndTotalClicks() {
        String code = client.create("https://example.org/meta");

        HttpResponse<String> res = client.get("/api/v1/links/" + code);

        assertEquals(200, res.statusCode());
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(code, string(res.body(), "code"));
        assertEquals("https://example.org/meta", string(res.body(), "url"));
        assertEquals("active", string(res.body(), "status"));
        assertEquals(0, number(res.body(), "totalClicks"));
    }

    @Test
    void metadata_ofExpiredLink_isShown_asExpired() {
        HttpResponse<String> created = client.postJson("/api/v1/links", "{\"url\":\"https://example.org\",\"expiresAt\":\"2026-03-01T11:00:00Z\"}");
        String code = string(created.body(), "code");
        clock().advance(Duration.ofHours(2));
        try {
            assertEquals("expired", string(client.get("/api/v1/links/" + code).body(), "status"));
        } finally {
            clock().advance(Duration.ofHours(-2));
        }
    }

    @Test
    void metadata_ofUnknownCode_is404_andOfDeletedLink_is410() {
        assertProblem(client.get("/api/v1/links/NoSuchCode1"), 404, "not-found");
        String code = client.create("https://example.org/del");
        client.delete("/api/v1/links/" + code);

        assertProblem(client.get("/api/v1/links/" + code), 410, "gone");
    }

    @Test
    void delete_answers204_thenTheCodeAnswers410() {
        String code = client.create("https://example.org/to-delete");
        assertEquals(302, client.get("/" + code).statusCode(), "cached before the delete");

        assertEquals(204, client.delete("/api/v1/links/" + code).statusCode());

        assertProblem(client.get("/" + code), 410, "gone");
    }

    @Test
    void delete_ofUnknownCode_is404() {
        assertProblem(client.delete("/api/v1/links/NoSuchCode2"), 404, "not-found");
    }

    @Test
    void aProblemsInstance_isTheRequestsWholePath() {
        // Not the path inside the API's routing ("/NoSuchCode3"), which reads like a redirect's.
        assertEquals("/api/v1/links/NoSuchCode3", string(client.get("/api/v1/links/NoSuchCode3").body(), "instance"));
        assertEquals("/api/v1/links/NoSuchCode3/stats",
                string(client.get("/api/v1/links/NoSuchCode3/stats").body(), "instance"));
        assertEquals("/NoSuchCode3", string(client.get("/NoSuchCode3").body(), "instance"));
    }

    @Test
    void unknownApiPath_isA404Problem() {
        assertProblem(client.get("/api/v1/nothing/here"), 404, "not-found");
    }
}
