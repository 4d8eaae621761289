package io.shortlink.cache;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.ReadMode;

/** {@link TierConnection} over a {@link RedissonClient}: values as bytes, messages as strings. */
final class RedissonConnection implements TierConnection {
    private static final System.Logger LOG = System.getLogger(RedissonConnection.class.getName());
    /** How long close waits for Redisson's threads to stop. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final RedissonClient client;
    private final boolean owned;
    private final List<Runnable> unsubscribes = new CopyOnWriteArrayList<>();

    private RedissonConnection(RedissonClient client, boolean owned) {
        this.client = Objects.requireNonNull(client, "client");
        this.owned = owned;
    }

    /** A client made from {@code config}, closed with this connection. Connects on first use. */
    static RedissonConnection connect(RedisTierConfig config) {
        Config redisson = redissonConfig(config);
        // Connecting is the tier worker's first command, never a request's: Redisson.create would
        // otherwise fail at start-up while Redis is down, and the cache must start without it.
        redisson.setLazyInitialization(true);
        return new RedissonConnection(Redisson.create(redisson), true);
    }

    /** The caller's client, left open by {@link #close()}. */
    static RedissonConnection using(RedissonClient client) {
        return new RedissonConnection(client, false);
    }

    /** Redisson's settings for a request path: see {@link RedisLinkTier#redissonConfig}. */
    static Config redissonConfig(RedisTierConfig config) {
        Config redisson = new Config();
        // Values and messages name their codec; the default (Kryo) is never used.
        redisson.setCodec(ByteArrayCodec.INSTANCE);
        switch (config.mode()) {
            case SINGLE -> requestPath(redisson.useSingleServer(), config)
                    .setAddress(config.addresses().getFirst());
            case CLUSTER -> requestPath(redisson.useClusterServers(), config)
                    .addNodeAddress(config.addresses().toArray(String[]::new))
                    // Reads from masters only. A replica lags its master: after an invalidation it
                    // may still hold the old value where the master holds the tombstone, and a
                    // load that read it would put the old link back into L1.
                    .setReadMode(ReadMode.MASTER)
                    // Redisson also follows MOVED answers at once; the scan catches a failover
                    // that no command has run into yet.
                    .setScanInterval(1_000);
        }
        return redisson;
    }

    private static <T extends BaseConfig<T>> T requestPath(T server, RedisTierConfig config) {
        return server
                .setTimeout(millis(config.commandTimeout()))
                .setRetryAttempts(config.retryAttempts())
                // Retry at once: a pause would only add to the longest wait.
                .setRetryDelay(new ConstantDelay(Duration.ZERO))
                .setConnectTimeout(millis(config.connectTimeout()))
                .setSubscriptionTimeout(millis(config.connectTimeout()))
                // Redisson's default 30 s: a silent Redis (frozen, or a host gone without a reset)
                // would keep a dead connection that long; a ping a second replaces it in about one.
                .setPingConnectionInterval(1_000);
    }

    RedissonClient client() {
        return client;
    }

    private static int millis(Duration d) {
        return Math.toIntExact(d.toMillis());
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        return client.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).getAsync();
    }

    @Override
    public CompletionStage<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
        return client.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).setIfAbsentAsync(value, ttl);
    }

    @Override
    public CompletionStage<Void> set(String key, byte[] value, Duration ttl) {
        return client.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).setAsync(value, ttl);
    }

    @Override
    public CompletionStage<Void> publish(String channel, String message) {
        return client.getTopic(channel, StringCodec.INSTANCE).publishAsync(message).thenApply(receivers -> null);
    }

    @Override
    public CompletionStage<Void> subscribe(String channel, Consumer<String> onMessage, Runnable onResubscribed) {
        RTopic topic = client.getTopic(channel, StringCodec.INSTANCE);
        StatusListener status = new StatusListener() {
            @Override
            public void onSubscribe(String name) {
                onResubscribed.run();
            }

            @Override
            public void onUnsubscribe(String name) {
                // Only close unsubscribes.
            }
        };
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        topic.addListenerAsync(String.class, (name, message) -> onMessage.accept(message))
                .thenCompose(messages -> {
                    unsubscribes.add(() -> topic.removeListenerAsync(messages));
                    return topic.addListenerAsync(status);
                })
                .whenComplete((statuses, e) -> {
                    if (e != null) {
                        subscribed.completeExceptionally(e);
                        return;
                    }
                    unsubscribes.add(() -> topic.removeListenerAsync(statuses));
                    subscribed.complete(null);
                });
        return subscribed;
    }

    @Override
    public void close() {
        for (Runnable unsubscribe : unsubscribes) {
            try {
                unsubscribe.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "event=l2_unsubscribe_failed error=\"" + e + "\"");
            }
        }
        unsubscribes.clear();
        if (owned) {
            client.shutdown(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
