package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ServedApp(clockAt = "2026-03-01T10:00:00Z")
class ObserveTest extends ServedAppTest {
    @Test
    void health_isUp_andReadinessChecksTheDatabase() {
        HttpResponse<String> ready = client.get("/observe/health/ready");

        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("database"), ready.body());
        assertEquals(200, client.get("/observe/health").statusCode());
    }

    @Test
    void metrics_arePrometheusText_withRequestLatencyHistogramAndClickCounters() {
        client.get("/zzzzzzzz");

        HttpResponse<String> res = client.getWithAccept("/observe/metrics", "text/plain");

        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("# TYPE shortlink_http_requests_seconds histogram"), res.body());
        assertTrue(res.body().contains("shortlink_http_requests_seconds_bucket{"), "latency histogram buckets");
        assertTrue(res.body().contains("shortlink_clicks_accepted_total"), "clicks accepted");
        assertTrue(res.body().contains("shortlink_clicks_persisted_total"), "clicks persisted");
        assertTrue(res.body().contains("shortlink_clicks_dropped_total"), "clicks dropped");
    }

    @Test
    void requestLatency_isLabelledByRoute() {
        long apiBefore = count(client.getWithAccept("/observe/metrics", "text/plain").body(), "api");
        long redirectBefore = count(client.getWithAccept("/observe/metrics", "text/plain").body(), "redirect");

        client.get("/api/v1/stats");
        client.get("/api/v1/stats");
        client.get("/NoSuchCode9");

        String metrics = client.getWithAccept("/observe/metrics", "text/plain").body();
        assertEquals(apiBefore + 2, count(metrics, "api"), metrics);
        assertEquals(redirectBefore + 1, count(metrics, "redirect"), metrics);
    }

    /** Requests counted under {@code route} in the latency histogram, all outcomes. */
    private static long count(String metrics, String route) {
        return metrics.lines()
                .filter(l -> l.startsWith("shortlink_http_requests_seconds_count{") && l.contains("route=\"" + route + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
