package io.shortlink.core.access;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What is known of an API key apart from its secret: the token itself is shown once, when it is
 * issued, and only its SHA-256 hash is stored. Immutable.
 *
 * @param id         the token's public part, which finds its row (shown in listings and logs)
 * @param label      what the key is for, as its creator named it
 * @param scopes     what it may do; {@link Scope#ADMIN} includes every other scope
 * @param createdAt  when it was issued
 * @param expiresAt  when it stops working, or {@code null} for never
 * @param revokedAt  when it was revoked, or {@code null} while it is not
 * @param lastUsedAt when it last authenticated a request, to a minute or so, or {@code null} for never
 */
public record ApiKey(String id, String label, Set<Scope> scopes, Instant createdAt, Instant expiresAt,
                     Instant revokedAt, Instant lastUsedAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(createdAt, "createdAt");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one scope");
        }
        scopes = Set.copyOf(EnumSet.copyOf(scopes));
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    public Optional<Instant> lastUse() {
        return Optional.ofNullable(lastUsedAt);
    }

    /** Whether the key authenticates at {@code now}. */
    public State stateAt(Instant now) {
        if (revokedAt != null) {
            return State.REVOKED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return State.EXPIRED;
        }
        return State.ACTIVE;
    }

    public ApiKey revoked(Instant at) {
        return new ApiKey(id, label, scopes, createdAt, expiresAt, at, lastUsedAt);
    }

    public ApiKey usedAt(Instant at) {
        return new ApiKey(id, label, scopes, createdAt, expiresAt, revokedAt, at);
    }

    public enum State {
        ACTIVE,
        EXPIRED,
        REVOKED
    }
}
