package io.shortlink.core;

import java.time.Instant;
import java.util.Optional;

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
     * Stores a new link.
     *
     * @throws CodeTakenException if the code was ever used, even by a link since deleted or expired
     */
    void create(Link link);

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
