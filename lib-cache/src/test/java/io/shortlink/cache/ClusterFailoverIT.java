package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.shortlink.core.Link;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    private static final int LINKS = 200;
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
                .withKeyPrefix(CacheInstance.uniqueKeyPrefix());
        links = ResolveLoad.createLinks(store, LINKS);
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void aMasterKilled_everyResolveAnswers_andReadsGoBackToRedisAfterTheFailover() throws Exception {
        try (CacheInstance instance = CacheInstance.connected(store, ResolveLoad.SMALL_L1, config);
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

            System.out.println("event=cluster_failover_it failed_gets=" + instance.metrics.count("failed get"));
            load.assertEveryResolveAnswered("cluster_failover_it", config);
            assertEquals(CircuitBreaker.State.CLOSED, instance.tier.attached().breakerState());
        }
    }
}
