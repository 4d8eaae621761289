package io.shortlink.server;

import io.shortlink.core.access.Scope;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shortlink.api.metrics-need-key}: the metrics need a key with metrics:read; health never does. */
@ServedApp(settings = "shortlink.api.metrics-need-key=true")
class MetricsNeedKeyTest extends ServedAppTest {

    private TestApp.Client with(Scope scope) {
        return client.withToken(app.keys().issue("metrics", Set.of(scope), Optional.empty()).token());
    }

    @Test
    void metrics_withoutAKey_is401_withAnotherScope403_withMetricsRead200() {
        assertProblem(client.withToken(null).get("/observe/metrics"), 401, "unauthenticated");
        assertProblem(with(Scope.LINKS_READ).get("/observe/metrics"), 403, "scope-missing");

        var scraped = with(Scope.METRICS_READ).get("/observe/metrics");
        assertEquals(200, scraped.statusCode());
        assertTrue(scraped.body().contains("shortlink_"), scraped.body());
        assertEquals(200, client.get("/observe/metrics").statusCode(), "admin keys read them too");
    }

    @Test
    void health_needsNoKey() {
        assertEquals(200, client.withToken(null).get("/observe/health").statusCode());
    }

    @Test
    void aMetricsReadKey_mayDoNothingElse() {
        assertProblem(with(Scope.METRICS_READ).get("/api/v1/links"), 403, "scope-missing");
    }
}
