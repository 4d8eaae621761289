package io.shortlink.core.memory;

import io.shortlink.core.access.ApiKey;
import io.shortlink.core.access.ApiKeyStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * API keys in this process's memory, for tests, demos and single-process uses: gone when the
 * process ends. Thread-safe: every operation holds one lock.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {
    private final Object lock = new Object();
    // Guarded by lock; insertion order is creation order.
    private final Map<String, Stored> keys = new LinkedHashMap<>();

    @Override
    public void create(ApiKey key, byte[] tokenHash) {
        Objects.requireNonNull(key, "key");
        synchronized (lock) {
            if (keys.putIfAbsent(key.id(), new Stored(key, tokenHash.clone())) != null) {
                throw new IllegalStateException("a key with id " + key.id() + " exists");
            }
        }
    }

    @Override
    public Optional<Stored> find(String id) {
        synchronized (lock) {
            return Optional.ofNullable(keys.get(id)).map(s -> new Stored(s.key(), s.tokenHash().clone()));
        }
    }

    @Override
    public List<ApiKey> list() {
        synchronized (lock) {
            List<ApiKey> all = new ArrayList<>(keys.size());
            keys.values().forEach(s -> all.add(s.key()));
            all.sort(Comparator.comparing(ApiKey::createdAt));
            return List.copyOf(all);
        }
    }

    @Override
    public Optional<ApiKey> revoke(String id, Instant at) {
        synchronized (lock) {
            Stored stored = keys.get(id);
            if (stored == null) {
                return Optional.empty();
            }
            if (stored.key().revokedAt() == null) {
                stored = new Stored(stored.key().revoked(at), stored.tokenHash());
                keys.put(id, stored);
            }
            return Optional.of(stored.key());
        }
    }

    @Override
    public void markUsed(String id, Instant at) {
        synchronized (lock) {
            keys.computeIfPresent(id, (k, s) -> new Stored(s.key().usedAt(at), s.tokenHash()));
        }
    }
}
