package io.shortlink.cache;

/** {@link SharedRateLimiterContract} on scripts/services' single Redis ({@link ServicesRedis#single()}). */
final class BucketRateLimiterIT extends SharedRateLimiterContract {

    @Override
    RedisTierConfig redis() {
        return ServicesRedis.single();
    }
}
