package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/**
 * {@link SharedRedisContract} on scripts/services' single Redis ({@link ServicesRedis#single()}),
 * plus what only a tier over a client of your own shows.
 */
final class RedisTierIT extends SharedRedisContract {

    @Override
    RedisTierConfig redis() {
        return ServicesRedis.single();
    }

    @Test
    void aTierOverYourClient_usesIt_andLeavesItOpenWhenClosed() {
        RedissonClient client = Redisson.create(RedisLinkTier.redissonConfig(config));
        try {
            RedisLinkTier tier = RedisLinkTier.using(client, config);
            assertSame(client, tier.client());
            TieredLinkCache cache = TieredLinkCache.builder(store).l2(tier).build();
            ShortCode code = new ShortCode("yours");
            Link link = Link.created(code, "https://example.com/yours", Instant.now(), Optional.empty());
            store.create(link);
            Await.until("the tier subscribed", CacheInstance.CONNECT_WITHIN, () -> tier.attached().connected());
            cache.resolve(code);
            // The miss fills L2 through your client; the write is not waited for by the resolve.
            Await.until("the fill in Redis", Duration.ofSeconds(5),
                    () -> client.getKeys().countExists(config.key(code.value())) == 1);

            tier.close();

            assertFalse(client.isShutdown());
            assertEquals(1, client.getKeys().countExists(config.key(code.value())), "your client still answers");
        } finally {
            client.shutdown();
        }
    }
}
