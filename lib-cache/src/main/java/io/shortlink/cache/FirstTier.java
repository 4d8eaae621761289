package io.shortlink.cache;

import io.shortlink.core.ShortCode;

/** What the second tier may do to L1: forget a code another instance changed, or forget everything. */
interface FirstTier {

    void invalidate(ShortCode code);

    /**
     * Forgets everything: invalidations may have been missed while the shared tier was away.
     *
     * @return whether L1 held anything
     */
    boolean invalidateAll();
}
