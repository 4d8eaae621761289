package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // Buckets, which add up across instances; no per-instance client-side quantiles.
        assertFalse(res.body().contains("quantile="), res.body());
    }

    @Test
    void metrics_withoutAnAcceptHeader_arePrometheusText() {
        HttpResponse<String> res = client.get("/observe/metrics");

        assertEquals(200, res.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", res.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(res.body().contains("# TYPE shortlink_clicks_accepted_total counter"), res.body());
        // The JVM's own meters, for heap and GC pauses beside the service's.
        assertTrue(res.body().contains("# TYPE memory_usedHeap_bytes gauge"), res.body());
        assertTrue(res.body().contains("# TYPE gc_time_seconds_total counter"), res.body());
        // Helidon's per-request KPI counter is not kept: shortlink_http_requests_seconds counts requests.
        assertFalse(res.body().contains("requests_count_total"), res.body());
    }

    @Test
    void metrics_byName_showOnlyThoseMeters_andNoneForAnUnknownName() {
        String one = client.get("/observe/metrics?name=shortlink.clicks.accepted").body();
        String two = client.get("/observe/metrics?name=shortlink.clicks.accepted&name=shortlink.clicks.dropped").body();
        HttpResponse<String> none = client.get("/observe/metrics?name=no.such.meter");

        assertEquals(List.of("shortlink_clicks_accepted_total"), meterTypes(one));
        assertEquals(List.of("shortlink_clicks_accepted_total", "shortlink_clicks_dropped_total"), meterTypes(two));
        assertEquals(200, none.statusCode());
        assertEquals("", none.body());
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

    /** The meters an exposition declares ({@code # TYPE} lines), sorted. */
    private static List<String> meterTypes(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).sorted().toList();
    }

    /** Requests counted under {@code route} in the latency histogram, all outcomes. */
    private static long count(String metrics, String route) {
        return metrics.lines()
                .filter(l -> l.startsWith("shortlink_http_requests_seconds_count{") && l.contains("route=\"" + route + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
