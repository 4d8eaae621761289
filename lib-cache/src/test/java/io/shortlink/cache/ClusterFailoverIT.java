package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master of a Redis Cluster SIGKILLed while resolves run; its replica takes over. The cluster
 * is this test's own (six redis-server processes on free ports), never scripts/services' one:
 * killing a node of a shared cluster would break whoever else uses it.
 */
final class ClusterFailoverIT {
    private static final CacheConfig SMALL_L1 = new CacheConfig(16, Duration.ofSeconds(30), Duration.ofSeconds(5));
    private static final int LINKS = 200;
    private static final Duration SCHEDULING_MARGIN = Duration.ofMillis(450);
    /** Failure detection (2 x node timeout), the election, then Redisson's topology scan (1 s). */
    private static final Duration FAILOVER_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final InMemoryLinkStore store = new InMemoryLinkStore();
    private List<Link> links;
    private RedisClusterProcesses cluster;
    private RedisTierConfig config;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = RedisClusterProcesses.start(dir);
        config = RedisTierConfig.defaults().withCluster(List.of(cluster.address()))
                .withKeyPrefix("it-" + UUID.randomUUID() + ":");
        Instant now = Instant.now();
        links = IntStream.range(0, LINKS)
                .mapToObj(i -> Link.created(new ShortCode("code" + i), "https://example.com/" + i, now, Optional.empty()))
                .toList();
        links.forEach(store::create);
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void aMasterKilled_everyResolveAnswers_andReadsGoBackToRedisAfterTheFailover() throws Exception {
        try (CacheInstance instance = CacheInstance.connected(store, SMALL_L1, config);
                ResolveLoad load = ResolveLoad.start(instance.cache, links, 4)) {
            Await.until("every link read once", FAILOVER_WITHIN, () -> load.resolves() >= 2 * LINKS);
            RedisProcess master = cluster.masters().getFirst();

            master.kill();
            Await.until("a replica took over", FAILOVER_WITHIN, () -> cluster.failedOver(master));
            Await.until("a pass over every code read from Redis without a failure", FAILOVER_WITHIN, () -> {
                long failures = instance.metrics.count("failed get");
                long hits = instance.metrics.lookupCount("l2:hit");
                links.forEach(link -> instance.resolve(link.code()));
                return instance.tier.attached().breakerState() == CircuitBreaker.State.CLOSED
                        && instance.metrics.count("failed get") == failures
                        && instance.metrics.lookupCount("l2:hit") - hits >= LINKS / 2;
            });

            ResolveLoad.Result result = load.result();
            Duration bound = config.longestWait().plus(SCHEDULING_MARGIN);
            System.out.println("event=cluster_failover_it " + result + " bound=" + bound
                    + " failed_gets=" + instance.metrics.count("failed get") + " events=" + instance.metrics.events().size());
            assertEquals(0, result.errors(), () -> "resolves failed: " + result.firstErrors());
            assertEquals(0, result.wrong(), "resolves answered something else than their link");
            assertTrue(result.slowest().compareTo(bound) < 0, "the slowest resolve took " + result.slowest());
            assertEquals(CircuitBreaker.State.CLOSED, instance.tier.attached().breakerState());
        }
    }
}
