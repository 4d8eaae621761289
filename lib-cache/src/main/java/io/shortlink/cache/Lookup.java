package io.shortlink.cache;

import io.shortlink.core.Link;

import java.util.Objects;

/** What one load of a code found out, as the tiers remember it. */
sealed interface Lookup permits Lookup.Found, Lookup.Absent, Lookup.Failed {

    /**
     * The store has a link under the code (maybe deleted or expired: callers decide). Equal by its
     * link. While L1 holds it, it also carries when a read should reload it ahead of its end, set
     * by L1's expiry as it gives the entry its lifetime: a hit then decides with one field instead
     * of asking the cache again for the entry's remaining lifetime.
     */
    final class Found implements Lookup {
        private static final long NEVER = Long.MIN_VALUE;

        private final Link link;

        /** Ticker time from which a read reloads the link in the background; never until L1 holds it. */
        private volatile long refreshFrom = NEVER;

        Found(Link link) {
            this.link = Objects.requireNonNull(link, "link");
        }

        Link link() {
            return link;
        }

        void refreshFrom(long tickerNanos) {
            refreshFrom = tickerNanos;
        }

        /** Whether a read at {@code tickerNanos} is inside the entry's refresh window. */
        boolean refreshDue(long tickerNanos) {
            long from = refreshFrom;
            // By difference: ticker readings may be negative and wrap.
            return from != NEVER && tickerNanos - from >= 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Found other && link.equals(other.link);
        }

        @Override
        public int hashCode() {
            return link.hashCode();
        }

        @Override
        public String toString() {
            return "Found[" + link + "]";
        }
    }

    /** The store has never had the code. */
    enum Absent implements Lookup {
        INSTANCE
    }

    /** The store could not answer; never remembered by a tier. */
    record Failed(RuntimeException cause) implements Lookup {
    }
}
