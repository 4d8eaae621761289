package io.shortlink.core;

import java.util.Optional;

/**
 * Answers "which link does this code name?" on the redirect path, possibly from a cache.
 *
 * <p>Contract: thread-safe; concurrent misses of one code cause one load of the store
 * (single-flight); an unknown code may be remembered as absent for a bounded time, so callers
 * must {@link #invalidate(ShortCode)} a code after creating or deleting its link. Deleted and
 * expired links are returned as they are: deciding 410 is the caller's business.
 *
 * @see #direct(LinkStore) the uncached resolver
 */
public interface LinkResolver {

    /**
     * @return the link, or empty if the code was never used
     * @throws StoreUnavailableException if no tier could answer
     */
    Optional<Link> resolve(ShortCode code);

    /** Forgets whatever is remembered of {@code code} (in every tier this resolver owns). */
    void invalidate(ShortCode code);

    /** A resolver that asks the store every time; for tests and as the innermost tier. */
    static LinkResolver direct(LinkStore store) {
        return new LinkResolver() {
            @Override
            public Optional<Link> resolve(ShortCode code) {
                return store.find(code);
            }

            @Override
            public void invalidate(ShortCode code) {
                // nothing is remembered
            }
        };
    }
}
