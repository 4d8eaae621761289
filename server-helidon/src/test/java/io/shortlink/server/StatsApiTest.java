package io.shortlink.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.TestApp.JsonRead.number;
import static io.shortlink.server.TestApp.JsonRead.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ServedApp(clockAt = "2026-03-01T10:00:30Z")
class StatsApiTest extends ServedAppTest {
    @Test
    void stats_bucketClicks_byMinute_zeroFilled_inAHalfOpenRange() throws InterruptedException {
        String code = client.create("https://example.org/stats");
        click(code, 3);                       // 10:00
        clock().advance(Duration.ofMinutes(2));
        click(code, 2);                       // 10:02
        clock().advance(Duration.ofMinutes(-2));
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)));

        JsonNode stats = tree(client.get("/api/v1/links/" + code
                + "/stats?from=2026-03-01T10:00:00Z&to=2026-03-01T10:03:00Z&granularity=minute").body());

        assertEquals(5, stats.get("totalClicks").asLong());
        assertEquals(3, stats.get("series").size());
        assertEquals("2026-03-01T10:00:00Z", stats.get("series").get(0).get("ts").asText());
        assertEquals(3, stats.get("series").get(0).get("clicks").asLong());
        assertEquals(0, stats.get("series").get(1).get("clicks").asLong());
        assertEquals(2, stats.get("series").get(2).get("clicks").asLong());
    }

    @Test
    void stats_byDefault_coverTheLast24Hours_byHour_withRecentTotals() throws InterruptedException {
        String code = client.create("https://example.org/recent");
        click(code, 4);
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)));

        JsonNode stats = tree(client.get("/api/v1/links/" + code + "/stats").body());

        assertEquals(4, stats.get("last24h").asLong());
        assertEquals(4, stats.get("last7d").asLong());
        assertEquals("hour", stats.get("granularity").asText());
        assertEquals(25, stats.get("series").size(), "24 h not aligned to the hour span 25 hour buckets");
        long sum = 0;
        for (JsonNode p : stats.get("series")) {
            sum += p.get("clicks").asLong();
        }
        assertEquals(4, sum);
    }

    @Test
    void stats_withOnlyAGranularity_coverARangeThatFitsIt() {
        String code = client.create("https://example.org/by-minute");

        JsonNode byMinute = tree(client.get("/api/v1/links/" + code + "/stats?granularity=minute").body());
        JsonNode byDay = tree(client.get("/api/v1/links/" + code + "/stats?granularity=day").body());

        assertEquals(61, byMinute.get("series").size(), "the last hour, not 24 h of minutes (1,441 buckets: a 400)");
        assertEquals(31, byDay.get("series").size(), "the last 30 days");
    }

    @Test
    void stats_refuseMoreThan1440Points() {
        String code = client.create("https://example.org/wide");

        assertProblem(client.get("/api/v1/links/" + code
                + "/stats?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=minute"), 400, "stats-too-many-points");
    }

    @Test
    void stats_refuseBadParameters_withTheBrokenRule() {
        String code = client.create("https://example.org/bad-params");
        String path = "/api/v1/links/" + code + "/stats";

        assertProblem(client.get(path + "?from=yesterday"), 400, "stats-range-invalid");
        assertProblem(client.get(path + "?from=2026-03-01T10:00:00Z&to=2026-03-01T09:00:00Z"), 400, "stats-range-invalid");
        assertProblem(client.get(path + "?granularity=week"), 400, "stats-granularity-invalid");
    }

    @Test
    void stats_ofUnknownCode_is404() {
        assertProblem(client.get("/api/v1/links/NoSuchCode3/stats"), 404, "not-found");
    }

    @Test
    void globalStats_countLinksAndClicks() throws InterruptedException {
        long linksBefore = number(client.get("/api/v1/stats").body(), "links");
        long clicksBefore = number(client.get("/api/v1/stats").body(), "clicks");
        String code = client.create("https://example.org/global");
        click(code, 2);
        assertTrue(app.clicks().flush(Duration.ofSeconds(10)));

        String totals = client.get("/api/v1/stats").body();

        assertEquals(linksBefore + 1, number(totals, "links"));
        assertEquals(clicksBefore + 2, number(totals, "clicks"));
    }

    private void click(String code, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(302, client.get("/" + code).statusCode());
        }
    }
}
