package io.shortlink.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored short link. Immutable.
 *
 * @param code      its code, unique for ever (a deleted or expired code is never reused)
 * @param url       the normalized target, as {@link UrlPolicy} accepted it
 * @param createdAt when it was created
 * @param expiresAt when it stops redirecting, or {@code null} for never; see {@link #expiry()}
 * @param deletedAt when it was deleted, or {@code null} while it is not; see {@link #deletion()}
 */
public record Link(ShortCode code, String url, Instant createdAt, Instant expiresAt, Instant deletedAt) {

    public Link {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A link that was just created and has not been deleted. */
    public static Link created(ShortCode code, String url, Instant createdAt, Optional<Instant> expiresAt) {
        return new Link(code, url, createdAt, expiresAt.orElse(null), null);
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    public Optional<Instant> deletion() {
        return Optional.ofNullable(deletedAt);
    }

    /** What a redirect of this link should do at {@code now}. */
    public State stateAt(Instant now) {
        if (deletedAt != null) {
            return State.DELETED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return State.EXPIRED;
        }
        return State.ACTIVE;
    }

    public Link deleted(Instant at) {
        return new Link(code, url, createdAt, expiresAt, at);
    }

    public enum State {
        /** Redirects. */
        ACTIVE,
        /** Past its expiry: answers 410. */
        EXPIRED,
        /** Deleted by its owner: answers 410. */
        DELETED
    }
}
