package io.shortlink.cache;

/**
 * {@link SharedRedisContract} on scripts/services' Redis Cluster ({@link ServicesRedis#cluster()}:
 * fails, never skips, when the cluster does not answer).
 */
final class RedisTierClusterIT extends SharedRedisContract {

    @Override
    RedisTierConfig redis() {
        return ServicesRedis.cluster();
    }
}
