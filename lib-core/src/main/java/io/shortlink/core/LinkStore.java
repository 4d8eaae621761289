package io.shortlink.core;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where links live (a port; the server implements it with JDBC).
 *
 * <p>Implementations are thread-safe and may block on I/O; callers run them on virtual threads.
 * Any failure to reach the store surfaces as {@link StoreUnavailableException}, never as a hang
 * longer than the implementation's configured timeout.
 */
public interface LinkStore {

    /** The link with this code, deleted and expired ones included; empty if the code was never used. */
    Optional<Link> find(ShortCode code);

    /**
     * Stores a new link, owned by the API key {@code owner}.
     *
     * @param owner the id of the key that creates it; empty for none (then only admins see it)
     * @throws CodeTakenException if the code was ever used, even by a link since deleted or expired
     */
    void create(Link link, Optional<String> owner);

    /** Stores a new link no key owns: {@code create(link, Optional.empty())}. */
    default void create(Link link) {
        create(link, Optional.empty());
    }

    /** The id of the key that owns the link of {@code code}; empty when no link has the code or no key owns it. */
    Optional<String> ownerOf(ShortCode code);

    /**
     * Links not deleted (expired ones included), newest first, a page at a time.
     *
     * @param owner  only the links of this key; empty: every link
     * @param before the {@link LinkPage#next()} of the previous page; empty: from the newest
     * @param limit  at most this many links, 1 to {@value #MAX_PAGE}
     */
    LinkPage list(Optional<String> owner, OptionalLong before, int limit);

    /** The largest page {@link #list} returns. */
    int MAX_PAGE = 1_000;

    /**
     * Marks the link deleted at {@code at}; the code is never given out again.
     *
     * @return the link as it now stands, or empty if the code was never used. Deleting a deleted
     *         link changes nothing and returns it as it was.
     */
    Optional<Link> delete(ShortCode code, Instant at);

    /** The code is already in use (or was once). */
    final class CodeTakenException extends RuntimeException {
        private final ShortCode code;

        public CodeTakenException(ShortCode code) {
            super("code '" + code + "' is taken", null, false, false);
            this.code = code;
        }

        public ShortCode code() {
            return code;
        }
    }
}
