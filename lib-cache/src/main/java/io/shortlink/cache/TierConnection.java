package io.shortlink.cache;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The few Redis commands the shared tier sends, so that its logic is tested without a Redis.
 * Thread-safe; no method blocks: each answer arrives on the returned stage, which the tier bounds
 * with its own deadline.
 */
interface TierConnection extends AutoCloseable {

    /** GET: the value, or {@code null} when there is none. */
    CompletionStage<byte[]> get(String key);

    /** SET key value PX ttl NX: whether the value was written (false: the key holds one). */
    CompletionStage<Boolean> setIfAbsent(String key, byte[] value, Duration ttl);

    /** SET key value PX ttl: writes over whatever the key holds. */
    CompletionStage<Void> set(String key, byte[] value, Duration ttl);

    /** PUBLISH channel message. */
    CompletionStage<Void> publish(String channel, String message);

    /**
     * Listens to {@code channel}: {@code onMessage} gets each message, on a thread of the
     * connection's. Completes once the subscription stands; after that {@code onResubscribed}
     * runs each time the connection re-establishes it (messages sent in between were lost).
     */
    CompletionStage<Void> subscribe(String channel, Consumer<String> onMessage, Runnable onResubscribed);

    /** Stops listening; closes the client if this connection made it. Does not throw. */
    @Override
    void close();
}
