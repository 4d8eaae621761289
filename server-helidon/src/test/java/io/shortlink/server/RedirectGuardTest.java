package io.shortlink.server;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.ServerAssertions.assertRedirect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The redirect's guards: a client walking unknown codes is cooled down (429) while others are
 * served, and a link whose host was listed after it was made answers 410. Loopback is a trusted
 * proxy here, so each test is its own client through {@code X-Forwarded-For}.
 */
@ServedApp(clockAt = "2026-03-01T10:00:00Z", settings = {
        "shortlink.enumeration-guard.misses=3",
        "shortlink.enumeration-guard.cool-down=PT1M",
        "shortlink.limits.trusted-proxies=127.0.0.1,::1",
        "shortlink.blocklist.file=src/test/resources/blocklist-test.txt"})
class RedirectGuardTest extends ServedAppTest {

    private TestApp.Client client(String address) {
        return client.withToken(null).withHeader("X-Forwarded-For", address);
    }

    @Test
    void aClientPastItsBudgetOf404s_cools429_onKnownCodesToo_whileOthersAreServed() {
        String code = client.create("https://example.org/guarded");
        TestApp.Client prober = client("198.51.100.1");
        for (int i = 0; i < 4; i++) {
            assertProblem(prober.get("/nosuch" + i), 404, "not-found");
        }

        HttpResponse<String> cooled = prober.get("/" + code);

        assertProblem(cooled, 429, "cooling-down");
        assertEquals("60", cooled.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(429, prober.head("/" + code).statusCode());
        assertRedirect(client("198.51.100.2").get("/" + code), "https://example.org/guarded");

        clock().advance(Duration.ofMinutes(1));
        assertRedirect(prober.get("/" + code), "https://example.org/guarded");
    }

    @Test
    void missesWithinTheBudget_andRedirects_doNotCoolAnyone() {
        String code = client.create("https://example.org/fine");
        TestApp.Client typo = client("198.51.100.3");
        for (int i = 0; i < 3; i++) {
            assertProblem(typo.get("/typo" + i), 404, "not-found");
            assertRedirect(typo.get("/" + code), "https://example.org/fine");
        }
        assertRedirect(typo.get("/" + code), "https://example.org/fine");
    }

    @Test
    void theGuardsCounts_areExported() {
        TestApp.Client prober = client("198.51.100.4");
        for (int i = 0; i < 5; i++) {
            prober.get("/probe" + i);
        }
        String metrics = client.get("/observe/metrics").body();

        assertTrue(MetricsText.value(metrics, "shortlink_guard_cooldowns_total") >= 1, metrics);
        assertTrue(MetricsText.value(metrics, "shortlink_guard_refused_total") >= 1, metrics);
    }

    @Test
    void aLinkWhoseHostWasListedAfterItWasMade_answers410LinkBlocked() {
        // Made before the host was listed: written to the store as an older server would have.
        ShortCode code = ShortCode.parse("oldphish1").orElseThrow();
        app.store().create(Link.created(code, "https://phish.example/login", clock().instant(), Optional.empty()),
                Optional.empty());

        HttpResponse<String> res = client("198.51.100.5").get("/oldphish1");

        assertProblem(res, 410, "link-blocked");
        assertEquals("the host phish.example is on the blocklist", TestApp.JsonRead.string(res.body(), "detail"));
    }
}
