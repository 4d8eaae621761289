package io.shortlink.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where API keys live: the port {@link ApiKeys} works on. Implementations store the hash they
 * are given and never see a token.
 *
 * <p>Contract: thread-safe; each method is atomic. A failing backend throws
 * {@link io.shortlink.core.StoreUnavailableException}.
 */
public interface ApiKeyStore {

    /** Stores a new key with the SHA-256 hash of its token. @throws IllegalStateException if the id is taken */
    void create(ApiKey key, byte[] tokenHash);

    /** The key of {@code id} and its token hash, revoked and expired ones included. */
    Optional<Stored> find(String id);

    /** Every key, oldest first, revoked and expired ones included. */
    List<ApiKey> list();

    /** Marks the key revoked at {@code at} (unchanged if it already is); empty if there is no such key. */
    Optional<ApiKey> revoke(String id, Instant at);

    /** Records that the key authenticated a request at {@code at}; a missing id is ignored. */
    void markUsed(String id, Instant at);

    /** A key and the hash of its token. */
    record Stored(ApiKey key, byte[] tokenHash) {
    }
}
