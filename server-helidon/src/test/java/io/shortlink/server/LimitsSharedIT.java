package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.shortlink.cache.BucketRateLimiter;
import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.Scope;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two phase-2 instances on one MariaDB and one Redis spend the same buckets: a key's limit holds
 * across them, not once per instance.
 */
@ServedApp(stack = ServedApp.Stack.PHASE2, settings = {
        "shortlink.limits.per-key.permits=10",
        "shortlink.limits.per-client.permits=1000"})
final class LimitsSharedIT extends ServedAppTest {

    @Test
    void aKeysLimit_holdsAcrossTwoInstances_throughRedis() {
        Map<String, String> same = new HashMap<>(Map.of(
                "shortlink.cache.l2.enabled", "true",
                "shortlink.cache.l2.addresses", String.join(",", app.config().l2().orElseThrow().addresses()),
                "shortlink.cache.l2.key-prefix", app.config().l2().orElseThrow().keyPrefix(),
                "shortlink.limits.per-key.permits", "10",
                "shortlink.limits.per-client.permits", "1000"));
        Config config = TestApp.config("phase2", app.config().database().url(), same);
        WebServerConfig.Builder builder = WebServer.builder();
        ShortlinkApp other = TestApp.serve(builder, InstantSource.system(), config);
        WebServer second = builder.build().start();
        try {
            // Redisson connects in the background: until it has, a take answers from the fallback.
            RateLimit probe = new RateLimit("probe", 1_000, Duration.ofMinutes(1));
            for (ShortlinkApp instance : List.of(app, other)) {
                BucketRateLimiter limiter = instance.limiter().orElseThrow();
                Await.until("the instance's limiter reaches Redis", Duration.ofSeconds(10), () -> {
                    long before = limiter.fallbacks();
                    limiter.take("probe", probe);
                    return limiter.fallbacks() == before && !limiter.onFallback();
                });
            }
            String token = app.keys().issue("shared", Set.of(Scope.LINKS_READ), Optional.empty()).token();
            TestApp.Client one = client.withToken(token);
            TestApp.Client two = new TestApp.Client(URI.create("http://localhost:" + second.port()), token);

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                statuses.add(one.get("/api/v1/links").statusCode());
                statuses.add(two.get("/api/v1/links").statusCode());
            }

            assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(4, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
            HttpResponse<String> refused = two.get("/api/v1/links");
            assertProblem(refused, 429, "rate-limited");
        } finally {
            second.stop();
            other.close();
        }
    }
}
