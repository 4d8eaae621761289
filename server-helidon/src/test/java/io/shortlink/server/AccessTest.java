package io.shortlink.server;

import io.shortlink.core.CodeGenerator;
import io.shortlink.core.Link;
import io.shortlink.core.access.ApiKeys.IssuedKey;
import io.shortlink.core.access.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.TestApp.JsonRead.string;
import static io.shortlink.server.TestApp.JsonRead.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may call what: keys, scopes, the challenges of 401 and 403, and key management over HTTP. */
@ServedApp(clockAt = "2026-03-01T10:00:00Z")
class AccessTest extends ServedAppTest {

    /** Every API route, the scope it needs, and how to call it on a link that exists. */
    enum Route {
        CREATE(Scope.LINKS_CREATE, (c, code) -> c.postJson("/api/v1/links", "{\"url\":\"https://example.org/access\"}")),
        READ(Scope.LINKS_READ, (c, code) -> c.get("/api/v1/links/" + code)),
        STATS(Scope.STATS_READ, (c, code) -> c.get("/api/v1/links/" + code + "/stats")),
        DELETE(Scope.LINKS_DELETE, (c, code) -> c.delete("/api/v1/links/" + code)),
        TOTALS(Scope.ADMIN, (c, code) -> c.get("/api/v1/stats")),
        KEYS_LIST(Scope.ADMIN, (c, code) -> c.get("/api/v1/keys")),
        KEYS_ISSUE(Scope.ADMIN, (c, code) -> c.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":[\"links:read\"]}")),
        KEYS_REVOKE(Scope.ADMIN, (c, code) -> c.delete("/api/v1/keys/0000000000")),
        LIST(Scope.LINKS_READ, (c, code) -> c.get("/api/v1/links"));

        final Scope needs;
        final BiFunction<TestApp.Client, String, HttpResponse<String>> call;

        Route(Scope needs, BiFunction<TestApp.Client, String, HttpResponse<String>> call) {
            this.needs = needs;
            this.call = call;
        }
    }

    private String key(Scope... scopes) {
        return app.keys().issue("test", Set.of(scopes), Optional.empty()).token();
    }

    /** A link owned by {@code key} (put in the store: a key without links:create cannot make one). */
    private String linkOf(IssuedKey key, String path) {
        Link link = Link.created(CodeGenerator.secure(9).next(), "https://example.org/" + path, clock().instant(), Optional.empty());
        app.store().create(link, Optional.of(key.key().id()));
        return link.code().value();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Route.class)
    void everyRoute_isAllowedWithItsScopeOrAdmin_andRefused403WithAnyOther(Route route) {
        for (Scope scope : Scope.values()) {
            IssuedKey key = app.keys().issue("scope " + scope, Set.of(scope), Optional.empty());
            String code = linkOf(key, route + "/" + scope);
            HttpResponse<String> res = route.call.apply(client.withToken(key.token()), code);

            if (scope == route.needs || scope == Scope.ADMIN) {
                assertTrue(res.statusCode() < 400 || route == Route.KEYS_REVOKE && res.statusCode() == 404,
                        route + " with " + scope + ": " + res.statusCode() + " " + res.body());
            } else {
                assertProblem(res, 403, "scope-missing");
                assertEquals("Bearer realm=\"shortlink\", error=\"insufficient_scope\", scope=\"" + route.needs.wireName() + "\"",
                        res.headers().firstValue("WWW-Authenticate").orElse(null), route + " with " + scope);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Route.class)
    void everyRoute_withoutAKey_is401WithTheBearerChallenge(Route route) {
        String code = client.create("https://example.org/no-key/" + route);

        HttpResponse<String> res = route.call.apply(client.withToken(null), code);

        assertProblem(res, 401, "unauthenticated");
        assertEquals("Bearer realm=\"shortlink\"", res.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals("no API key was sent", string(res.body(), "detail"));
    }

    @Test
    void anotherKeysLink_answers404_toReadStatsAndDelete_andAnAdminSeesIt() {
        TestApp.Client alice = client.withToken(key(Scope.LINKS_CREATE, Scope.LINKS_READ, Scope.STATS_READ, Scope.LINKS_DELETE));
        TestApp.Client bob = client.withToken(key(Scope.LINKS_CREATE, Scope.LINKS_READ, Scope.STATS_READ, Scope.LINKS_DELETE));
        String code = alice.create("https://example.org/alices");

        assertProblem(bob.get("/api/v1/links/" + code), 404, "not-found");
        assertProblem(bob.get("/api/v1/links/" + code + "/stats"), 404, "not-found");
        assertProblem(bob.delete("/api/v1/links/" + code), 404, "not-found");
        assertEquals(200, alice.get("/api/v1/links/" + code).statusCode());
        assertEquals(200, client.get("/api/v1/links/" + code).statusCode(), "the admin key sees every link");
        assertEquals(302, bob.withToken(null).get("/" + code).statusCode(), "redirects are everyone's");
        assertEquals(204, alice.delete("/api/v1/links/" + code).statusCode());
    }

    @Test
    void theListShowsTheCallersOwnLinks_newestFirst_aPageAtATime() {
        TestApp.Client carol = client.withToken(key(Scope.LINKS_CREATE, Scope.LINKS_READ));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(carol.create("https://example.org/carol/" + i));
            client.create("https://example.org/admins/" + i);
        }

        HttpResponse<String> first = carol.get("/api/v1/links?limit=2");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(List.of(made.get(2), made.get(1)), codes(first.body()));
        assertEquals("active", tree(first.body()).get("links").get(0).get("status").asText());
        String next = string(first.body(), "next");
        HttpResponse<String> second = carol.get("/api/v1/links?limit=2&cursor=" + next);
        assertEquals(List.of(made.get(0)), codes(second.body()));
        assertTrue(tree(second.body()).get("next").isNull());

        assertProblem(carol.get("/api/v1/links?limit=many"), 400, "page-limit-invalid");
        assertProblem(carol.get("/api/v1/links?limit=0"), 400, "page-limit-invalid");
        assertProblem(carol.get("/api/v1/links?cursor=@@"), 400, "page-cursor-invalid");
    }

    private static List<String> codes(String body) {
        List<String> codes = new ArrayList<>();
        tree(body).get("links").forEach(link -> codes.add(link.get("code").asText()));
        return codes;
    }

    @Test
    void apiAnswers_areNeitherCachedNorSniffed() {
        HttpResponse<String> created = client.postJson("/api/v1/links", "{\"url\":\"https://example.org/h\"}");
        HttpResponse<String> refused = client.withToken(null).get("/api/v1/stats");

        for (HttpResponse<String> res : List.of(created, refused, client.get("/api/v1/keys"))) {
            assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(null), res.uri().toString());
            assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(null), res.uri().toString());
        }
    }

    @Test
    void redirectsAndHealthNeedNoKey() {
        String code = client.create("https://example.org/open");
        TestApp.Client anonymous = client.withToken(null);

        assertEquals(302, anonymous.get("/" + code).statusCode());
        assertEquals(302, anonymous.head("/" + code).statusCode());
        assertEquals(404, anonymous.get("/nosuchcode").statusCode());
        assertEquals(200, anonymous.get("/observe/health").statusCode());
    }

    @Test
    void anUnknownAMalformedAndAnotherSchemesKey_are401InvalidToken() {
        String unknown = "slk_0000000000_" + "A".repeat(43);
        List<HttpResponse<String>> answers = List.of(
                client.withToken(unknown).get("/api/v1/stats"),
                client.withToken("not-a-key").get("/api/v1/stats"),
                client.withToken(adminToken + "x").get("/api/v1/stats"),
                send("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("a:b".getBytes())));

        for (HttpResponse<String> res : answers) {
            assertProblem(res, 401, "unauthenticated");
            assertEquals("Bearer realm=\"shortlink\", error=\"invalid_token\"",
                    res.headers().firstValue("WWW-Authenticate").orElse(null));
        }
        assertEquals("the API key is not known", string(answers.get(0).body(), "detail"));
        assertEquals("the API key is not of the form slk_<id>_<secret>", string(answers.get(1).body(), "detail"));
    }

    @Test
    void theKeyMayAlsoComeAsXApiKey() {
        assertEquals(200, send("X-Api-Key", adminToken).statusCode());
    }

    private HttpResponse<String> send(String header, String value) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri.resolve("/api/v1/stats"))
                    .header(header, value).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKeyIssuedOverHttp_worksAtOnce_isListedWithoutItsToken_andStopsAtRevocation() {
        HttpResponse<String> issued = client.postJson("/api/v1/keys",
                "{\"label\":\"ci pipeline\",\"scopes\":[\"links:create\",\"stats:read\"],\"expiresAt\":\"2026-04-01T00:00:00Z\"}");

        assertEquals(201, issued.statusCode(), issued.body());
        String id = string(issued.body(), "id");
        String token = string(issued.body(), "token");
        assertTrue(token.startsWith("slk_" + id + "_"), token);
        assertEquals(TestApp.BASE_URL + "/api/v1/keys/" + id, issued.headers().firstValue("Location").orElseThrow());
        assertEquals("[\"links:create\",\"stats:read\"]", tree(issued.body()).get("scopes").toString());
        assertEquals("2026-04-01T00:00:00Z", string(issued.body(), "expiresAt"));
        assertEquals(201, client.withToken(token).postJson("/api/v1/links", "{\"url\":\"https://example.org/ci\"}").statusCode());

        String listed = client.get("/api/v1/keys").body();
        assertTrue(listed.contains("\"id\":\"" + id + "\""), listed);
        assertTrue(listed.contains("\"label\":\"ci pipeline\""), listed);
        assertFalse(listed.contains(token.substring("slk_".length() + 11)), "the list shows a secret");
        assertFalse(listed.contains("\"token\""), listed);

        assertEquals(204, client.delete("/api/v1/keys/" + id).statusCode());
        HttpResponse<String> revoked = client.withToken(token).postJson("/api/v1/links", "{\"url\":\"https://example.org/ci\"}");
        assertProblem(revoked, 401, "unauthenticated");
        assertEquals("the API key has been revoked", string(revoked.body(), "detail"));
        assertTrue(client.get("/api/v1/keys").body().contains("\"state\":\"revoked\""));
    }

    @Test
    void anExpiredKey_is401() {
        IssuedKey key = app.keys().issue("brief", EnumSet.of(Scope.ADMIN), Optional.of(clock().instant().plusSeconds(60)));
        assertEquals(200, client.withToken(key.token()).get("/api/v1/stats").statusCode());

        clock().advance(Duration.ofSeconds(60));

        HttpResponse<String> res = client.withToken(key.token()).get("/api/v1/stats");
        assertProblem(res, 401, "unauthenticated");
        assertEquals("the API key has expired", string(res.body(), "detail"));
    }

    @Test
    void revokingAnUnknownKey_is404() {
        assertProblem(client.delete("/api/v1/keys/0000000000"), 404, "key-not-found");
    }

    @Test
    void issuingAKey_refusesBadInput_withTheBrokenRule() {
        assertProblem(client.postJson("/api/v1/keys", "{\"scopes\":[\"admin\"]}"), 400, "key-label-invalid");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":[]}"), 400, "key-scopes-invalid");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":[\"links:write\"]}"), 400, "key-scopes-invalid");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":\"admin\"}"), 400, "key-scopes-invalid");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":[\"admin\"],\"expiresAt\":\"2020-01-01T00:00:00Z\"}"),
                400, "expiry-invalid");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":\"x\",\"scopes\":[\"admin\"],\"owner\":\"me\"}"), 400, "invalid-field");
        assertProblem(client.postJson("/api/v1/keys", "{\"label\":7,\"scopes\":[\"admin\"]}"), 400, "invalid-field");
    }

    @Test
    void noTokenEverReachesTheLog() {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(format.format(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        String issuedToken;
        try {
            issuedToken = string(client.postJson("/api/v1/keys", "{\"label\":\"logged?\",\"scopes\":[\"admin\"]}").body(), "token");
            client.withToken(issuedToken).get("/api/v1/stats");
            client.withToken(issuedToken + "x").get("/api/v1/stats");
            client.withToken(adminToken.substring(0, adminToken.length() - 1)).get("/api/v1/stats");
            client.delete("/api/v1/keys/" + issuedToken.substring(4, 14));
            client.withToken(issuedToken).get("/api/v1/stats");
        } finally {
            root.removeHandler(capture);
        }
        synchronized (lines) {
            String id = issuedToken.substring(4, 14);
            assertTrue(lines.stream().anyMatch(l -> l.contains("event=api-key-issued id=" + id)), "the log was captured: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("event=api-key-revoked id=" + id)), "the log was captured: " + lines);
            for (String line : lines) {
                for (String token : List.of(adminToken, issuedToken)) {
                    String secret = token.substring("slk_".length() + 11);
                    assertFalse(line.contains(secret.substring(0, 20)), "a key's secret in the log: " + line);
                }
            }
        }
    }
}
