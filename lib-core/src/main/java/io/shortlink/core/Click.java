package io.shortlink.core;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One counted redirect.
 *
 * @param eventId unique per click, so that a ledger can apply a redelivered click exactly once
 * @param code    the link that was followed
 * @param at      when the redirect was answered
 */
public record Click(UUID eventId, ShortCode code, Instant at) {

    public Click {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(at, "at");
    }

    /** A click on {@code code} at {@code at} with a fresh event id. */
    public static Click of(ShortCode code, Instant at) {
        return new Click(newEventId(at), code, at);
    }

    /**
     * A version-7 UUID: 48 bits of Unix milliseconds, then 74 random bits. Time-ordered ids keep
     * a ledger's unique index append-mostly. The random part comes from {@link ThreadLocalRandom},
     * not {@link UUID#randomUUID()}: event ids need uniqueness, not secrecy, and the secure source
     * would put a shared lock on every redirect.
     */
    static UUID newEventId(Instant at) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = at.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
