package io.shortlink.core.testing;

import io.shortlink.core.access.ApiKey;
import io.shortlink.core.access.ApiKeyStore;
import io.shortlink.core.access.Scope;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ApiKeyStore} must do, for a store's own test to extend: the in-memory one in
 * lib-core, the JDBC one on H2 and MariaDB in the server. {@link #emptyStore()} is called once a
 * test and must hold no key.
 */
public abstract class ApiKeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    protected abstract ApiKeyStore emptyStore();

    private static ApiKey key(String id, Instant createdAt, Scope... scopes) {
        return new ApiKey(id, "label of " + id, Set.of(scopes), createdAt, null, null, null);
    }

    private static byte[] hash(int seed) {
        byte[] hash = new byte[32];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) (seed * 31 + i * 7);
        }
        return hash;
    }

    @Test
    void aCreatedKeyIsFoundWithEveryFieldAndItsHash() {
        ApiKeyStore store = emptyStore();
        ApiKey key = new ApiKey("a000000001", "ci (ünïcode)", Set.of(Scope.LINKS_CREATE, Scope.STATS_READ), T0,
                T0.plusSeconds(3600), null, null);

        store.create(key, hash(1));

        ApiKeyStore.Stored stored = store.find("a000000001").orElseThrow();
        assertEquals(key, stored.key());
        assertArrayEquals(hash(1), stored.tokenHash());
    }

    @Test
    void anUnknownIdFindsNothing() {
        assertEquals(Optional.empty(), emptyStore().find("a000000404"));
    }

    @Test
    void idsAreCaseSensitive() {
        ApiKeyStore store = emptyStore();
        store.create(key("abcdefghij", T0, Scope.ADMIN), hash(1));

        assertEquals(Optional.empty(), store.find("ABCDEFGHIJ"));
    }

    @Test
    void aTakenIdIsRefusedAndTheFirstKeyKept() {
        ApiKeyStore store = emptyStore();
        store.create(key("a000000001", T0, Scope.ADMIN), hash(1));

        assertThrows(IllegalStateException.class, () -> store.create(key("a000000001", T0, Scope.LINKS_READ), hash(2)));
        assertEquals(Set.of(Scope.ADMIN), store.find("a000000001").orElseThrow().key().scopes());
        assertArrayEquals(hash(1), store.find("a000000001").orElseThrow().tokenHash());
    }

    @Test
    void keysAreListedOldestFirst() {
        ApiKeyStore store = emptyStore();
        store.create(key("a000000002", T0.plusSeconds(1), Scope.ADMIN), hash(2));
        store.create(key("a000000001", T0, Scope.LINKS_READ), hash(1));
        store.create(key("a000000003", T0.plusSeconds(2), Scope.STATS_READ), hash(3));

        assertEquals(List.of("a000000001", "a000000002", "a000000003"), store.list().stream().map(ApiKey::id).toList());
    }

    @Test
    void revokingKeepsTheFirstDateAndAnUnknownIdIsEmpty() {
        ApiKeyStore store = emptyStore();
        store.create(key("a000000001", T0, Scope.ADMIN), hash(1));

        assertEquals(T0.plusSeconds(5), store.revoke("a000000001", T0.plusSeconds(5)).orElseThrow().revokedAt());
        assertEquals(T0.plusSeconds(5), store.revoke("a000000001", T0.plusSeconds(9)).orElseThrow().revokedAt());
        assertEquals(T0.plusSeconds(5), store.find("a000000001").orElseThrow().key().revokedAt());
        assertEquals(Optional.empty(), store.revoke("a000000404", T0));
    }

    @Test
    void theLastUseIsRecordedAndAMissingIdIgnored() {
        ApiKeyStore store = emptyStore();
        store.create(key("a000000001", T0, Scope.ADMIN), hash(1));

        store.markUsed("a000000001", T0.plusSeconds(61));
        store.markUsed("a000000404", T0);

        assertEquals(T0.plusSeconds(61), store.find("a000000001").orElseThrow().key().lastUsedAt());
        assertTrue(store.find("a000000404").isEmpty());
    }
}
