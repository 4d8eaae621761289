package io.shortlink.cache;

import io.shortlink.core.Link;

/** What one load of a code found out, as the tiers remember it. */
sealed interface Lookup permits Lookup.Found, Lookup.Absent, Lookup.Failed {

    /** The store has a link under the code (maybe deleted or expired: callers decide). */
    record Found(Link link) implements Lookup {
    }

    /** The store has never had the code. */
    enum Absent implements Lookup {
        INSTANCE
    }

    /** The store could not answer; never remembered by a tier. */
    record Failed(RuntimeException cause) implements Lookup {
    }
}
