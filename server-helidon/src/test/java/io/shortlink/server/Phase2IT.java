package io.shortlink.server;

import io.helidon.metrics.api.Metrics;
import io.shortlink.core.Redirect;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The phase-2 stack on a real MariaDB and Redis: redirects read links through the Redis tier, and
 * a change made on one instance reaches another instance's in-process tier through Redis.
 */
@ServedApp(stack = ServedApp.Stack.PHASE2)
final class Phase2IT extends ServedAppTest {
    /** A pub/sub round trip on loopback takes a millisecond; a second is a bound, not an estimate. */
    private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);

    @Test
    void aRedirectMissesTheInProcessTier_thenAsksRedis() {
        // The tier connects in the background (the server starts without waiting for Redis): a
        // first redirect may come before it has; within a few seconds every new code's does.
        Await.until("a new code's first redirect asks Redis", Duration.ofSeconds(5), () -> {
            String before = client.getWithAccept("/observe/metrics", "text/plain").body();
            String code = client.create("https://example.org/phase2");
            assertEquals(302, client.get("/" + code).statusCode());
            String after = client.getWithAccept("/observe/metrics", "text/plain").body();
            return MetricsText.sum(after, "shortlink_cache_lookups_total", "tier=\"l2\"")
                    - MetricsText.sum(before, "shortlink_cache_lookups_total", "tier=\"l2\"") >= 1;
        });
    }

    @Test
    void aDeleteOnOneInstance_stopsTheOtherInstancesRedirect_throughRedis() {
        try (ShortlinkApp other = ShortlinkApp.open(app.config(), new ServerMetrics(Metrics.globalRegistry()),
                InstantSource.system())) {
            String code = client.create("https://example.org/shared");
            assertInstanceOf(Redirect.To.class, other.shortener().follow(code), "the other instance caches it");
            assertInstanceOf(Redirect.To.class, other.shortener().follow(code));

            assertEquals(204, client.delete("/api/v1/links/" + code).statusCode());

            Await.until("the other instance answers 410", INVALIDATION_BOUND,
                    () -> other.shortener().peek(code) instanceof Redirect.Gone);
        }
    }

    @Test
    void aCreateOnOneInstance_endsTheOtherInstancesRememberedAbsence() {
        try (ShortlinkApp other = ShortlinkApp.open(app.config(), new ServerMetrics(Metrics.globalRegistry()),
                InstantSource.system())) {
            String alias = "p2-" + Long.toString(System.nanoTime(), 36);
            assertInstanceOf(Redirect.Unknown.class, other.shortener().peek(alias), "remembered as absent");

            assertEquals(201, client.postJson("/api/v1/links",
                    "{\"url\":\"https://example.org/new\",\"alias\":\"" + alias + "\"}").statusCode());

            Await.until("the other instance redirects the new alias", INVALIDATION_BOUND,
                    () -> other.shortener().peek(alias) instanceof Redirect.To);
        }
    }
}
