package io.shortlink.cache;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link TierConnection} over a map with Redis's semantics for the commands the tier sends
 * (values expire on the given clock, SET NX, PUBLISH to every subscriber of every tier sharing
 * it), which counts its commands and can be told to fail or to never answer.
 */
final class InMemoryRedis implements TierConnection {
    private final InstantSource clock;
    private final Map<String, Entry> values = new ConcurrentHashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile RuntimeException failure;
    private volatile boolean silent;

    InMemoryRedis(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        gets.incrementAndGet();
        return answer(() -> {
            Entry entry = live(key);
            return entry == null ? null : entry.value.clone();
        });
    }

    @Override
    public CompletionStage<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
        writes.incrementAndGet();
        return answer(() -> {
            Entry fresh = new Entry(value.clone(), clock.instant().plus(ttl), ttl);
            // compute: a live entry stays; an expired one counts as absent.
            boolean[] written = {false};
            values.compute(key, (k, old) -> {
                if (old != null && clock.instant().isBefore(old.expiresAt)) {
                    return old;
                }
                written[0] = true;
                return fresh;
            });
            return written[0];
        });
    }

    @Override
    public CompletionStage<Void> set(String key, byte[] value, Duration ttl) {
        writes.incrementAndGet();
        return answer(() -> {
            values.put(key, new Entry(value.clone(), clock.instant().plus(ttl), ttl));
            return null;
        });
    }

    @Override
    public CompletionStage<Void> publish(String channel, String message) {
        return answer(() -> {
            deliver(channel, message);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> subscribe(String channel, Consumer<String> onMessage, Runnable onResubscribed) {
        return answer(() -> {
            subscribers.add(new Subscriber(channel, onMessage, onResubscribed));
            return null;
        });
    }

    @Override
    public void close() {
        // Shared by the tiers of a test; each closes it.
    }

    /** The value under {@code key}, or null when there is none (or it expired). */
    byte[] valueOf(String key) {
        Entry entry = live(key);
        return entry == null ? null : entry.value.clone();
    }

    /** The lifetime {@code key}'s value was written with. */
    Duration ttlOf(String key) {
        return live(key).ttl;
    }

    /** Writes a value as another program would. */
    void put(String key, byte[] value, Duration ttl) {
        values.put(key, new Entry(value, clock.instant().plus(ttl), ttl));
    }

    /** Sends {@code message} to every subscriber of {@code channel}, as a PUBLISH would. */
    void deliver(String channel, String message) {
        for (Subscriber s : subscribers) {
            if (s.channel.equals(channel)) {
                s.onMessage.accept(message);
            }
        }
    }

    /** Every subscription is re-established, as after a reconnect. */
    void resubscribeAll() {
        subscribers.forEach(s -> s.onResubscribed.run());
    }

    int gets() {
        return gets.get();
    }

    int writes() {
        return writes.get();
    }

    /** Every command from now on fails with {@code e}. */
    void failWith(RuntimeException e) {
        failure = e;
    }

    /** Every command from now on is never answered. */
    void goSilent() {
        silent = true;
    }

    void recover() {
        failure = null;
        silent = false;
    }

    private Entry live(String key) {
        Entry entry = values.get(key);
        return entry != null && clock.instant().isBefore(entry.expiresAt) ? entry : null;
    }

    private <T> CompletionStage<T> answer(Supplier<T> command) {
        if (silent) {
            return new CompletableFuture<>();
        }
        RuntimeException fail = failure;
        if (fail != null) {
            return CompletableFuture.failedFuture(fail);
        }
        return CompletableFuture.completedFuture(command.get());
    }

    private record Entry(byte[] value, Instant expiresAt, Duration ttl) {
    }

    private record Subscriber(String channel, Consumer<String> onMessage, Runnable onResubscribed) {
    }
}
