package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;

/**
 * scripts/services' Redis for the ITs that share it: the single node ({@code shortlink.it.redis},
 * 127.0.0.1:16379 by default) and the cluster ({@code shortlink.it.redis-cluster}, one node of
 * it, 127.0.0.1:17000 by default; Redisson finds the others). Tests sharing them use key prefixes
 * of their own ({@link CacheInstance#uniqueKeyPrefix()}).
 */
final class ServicesRedis {
    private static final String SINGLE = System.getProperty("shortlink.it.redis", "127.0.0.1:16379");
    private static final String CLUSTER_NODE = System.getProperty("shortlink.it.redis-cluster", "127.0.0.1:17000");

    private ServicesRedis() {
    }

    static RedisTierConfig single() {
        return RedisTierConfig.defaults().withSingleServer("redis://" + SINGLE);
    }

    /** Fails, never skips, when the cluster does not answer. */
    static RedisTierConfig cluster() {
        requireCluster();
        return RedisTierConfig.defaults().withCluster(List.of("redis://" + CLUSTER_NODE));
    }

    private static void requireCluster() {
        int colon = CLUSTER_NODE.lastIndexOf(':');
        if (!RedisProcess.answersPing(CLUSTER_NODE.substring(0, colon), Integer.parseInt(CLUSTER_NODE.substring(colon + 1)),
                Duration.ofSeconds(2))) {
            fail("no Redis Cluster node answers at " + CLUSTER_NODE + ": start one with scripts/services up redis-cluster,"
                    + " or name another with -Dshortlink.it.redis-cluster=host:port");
        }
    }
}
