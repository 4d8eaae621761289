package io.shortlink.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Version-7 UUIDs: 48 bits of Unix milliseconds, then 74 random bits (RFC 9562). */
final class Ids {
    private Ids() {
    }

    /** An id for now. */
    static UUID timeOrdered() {
        return timeOrdered(System.currentTimeMillis());
    }

    /**
     * An id for {@code epochMillis}. Time-ordered ids keep a unique index append-mostly and let
     * old ids be purged by key range. The random part comes from {@link ThreadLocalRandom}, not
     * {@link UUID#randomUUID()}: these ids need uniqueness, not secrecy, and the secure source
     * would put a shared lock on every redirect. 74 random bits make a collision among a billion
     * ids of the same millisecond about 1 in 40 billion, across restarts and instances alike.
     */
    static UUID timeOrdered(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = epochMillis & 0xFFFF_FFFF_FFFFL;
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
