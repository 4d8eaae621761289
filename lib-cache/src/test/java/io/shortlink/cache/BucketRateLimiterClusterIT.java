package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedRateLimiterContract} on scripts/services' Redis Cluster ({@link ServicesRedis#cluster()}),
 * plus what only a cluster shows: a take's commands touch one key, so one slot (a command across
 * slots would be refused, and the take answered by the fallback), and buckets spread over slots.
 */
final class BucketRateLimiterClusterIT extends SharedRateLimiterContract {

    @Override
    RedisTierConfig redis() {
        return ServicesRedis.cluster();
    }

    @Test
    void buckets_spreadOverSlots_eachTakeInOne() {
        takeTwiceFromEach(50);

        Set<Integer> slots = keys().stream().map(redisKeys()::getSlot).collect(Collectors.toSet());

        assertTrue(slots.size() > 10, "50 buckets in " + slots.size() + " slots");
        assertNoFallback();
    }
}
