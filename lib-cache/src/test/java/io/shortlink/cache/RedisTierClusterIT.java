package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SharedRedisContract} on scripts/services' Redis Cluster ({@code shortlink.it.redis-cluster},
 * one node of it, 127.0.0.1:17000 by default; Redisson finds the others). Fails, never skips,
 * when the cluster does not answer.
 */
final class RedisTierClusterIT extends SharedRedisContract {
    private static final String NODE = System.getProperty("shortlink.it.redis-cluster", "127.0.0.1:17000");

    @BeforeAll
    static void clusterAnswers() {
        int port = Integer.parseInt(NODE.substring(NODE.lastIndexOf(':') + 1));
        if (!RedisProcess.answersPing(NODE.substring(0, NODE.lastIndexOf(':')), port, Duration.ofSeconds(2))) {
            fail("no Redis Cluster node answers at " + NODE + ": start one with scripts/services up redis-cluster,"
                    + " or name another with -Dshortlink.it.redis-cluster=host:port");
        }
    }

    @Override
    RedisTierConfig redis() {
        return RedisTierConfig.defaults().withCluster(List.of("redis://" + NODE));
    }
}
