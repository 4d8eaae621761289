package io.shortlink.core.access;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who makes a request: the key that authenticated it and what that key may do.
 *
 * @param keyId  the key's public id; links created in this call belong to it
 * @param scopes what the key may do
 */
public record Caller(String keyId, Set<Scope> scopes) {
    private static final Caller UNCHECKED = new Caller("unchecked", Set.of(Scope.ADMIN));
    private static final Caller ANONYMOUS = new Caller("anonymous", Set.of(Scope.LINKS_CREATE));

    public Caller {
        Objects.requireNonNull(keyId, "keyId");
        scopes = Set.copyOf(scopes);
    }

    /**
     * The caller where keys are not checked (a host with authentication off): an admin, whose
     * links no key owns.
     */
    public static Caller unchecked() {
        return UNCHECKED;
    }

    /**
     * A caller without a key, where a host lets anyone create links: it may create, nothing else,
     * and its links belong to no key (only an admin reads or deletes them).
     */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /** The key the links this caller creates belong to; empty for {@link #unchecked()} and {@link #anonymous()}. */
    public Optional<String> owner() {
        return this == UNCHECKED || this == ANONYMOUS ? Optional.empty() : Optional.of(keyId);
    }

    /** Whether this caller sent no key ({@link #anonymous()}). */
    public boolean isAnonymous() {
        return this == ANONYMOUS;
    }

    /** Whether this caller may act within {@code scope}; {@link Scope#ADMIN} allows every scope. */
    public boolean allows(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    /** Whether this caller sees and changes every key's links. */
    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    /** @throws NotPermittedException if this caller may not act within {@code scope} */
    public void require(Scope scope) {
        if (!allows(scope)) {
            throw new NotPermittedException(scope);
        }
    }
}
