package io.shortlink.cache;

import io.shortlink.core.ShortCode;

/**
 * The tier between L1 and the store, as {@link TieredLinkCache} uses it. Implementations never
 * throw: a tier that cannot answer says {@link Read.Miss#SKIPPED}, and the cache goes to the store.
 */
interface SecondTier {

    /** What the tier knows of {@code code}; waits at most the tier's bound. */
    Read read(ShortCode code);

    /** Remembers the store's answer after a {@link Read.Miss#EMPTY}; does not wait. */
    void fill(ShortCode code, Lookup lookup);

    /** Forgets {@code code} here and on every instance that shares the tier. */
    void invalidate(ShortCode code);

    /** No second tier: L1, then the store. */
    SecondTier NONE = new SecondTier() {
        @Override
        public Read read(ShortCode code) {
            return Read.Miss.SKIPPED;
        }

        @Override
        public void fill(ShortCode code, Lookup lookup) {
        }

        @Override
        public void invalidate(ShortCode code) {
        }
    };

    /** What a read of the tier found. */
    sealed interface Read permits Read.Hit, Read.Miss {

        /** The tier remembers a link or an absence. */
        record Hit(Lookup lookup) implements Read {
        }

        enum Miss implements Read {
            /** Nothing there: the store's answer is written back. */
            EMPTY,
            /**
             * Not asked, or its answer not trusted (a code changed a moment ago, a value that
             * cannot be read): the store's answer is not written back.
             */
            SKIPPED
        }
    }
}
