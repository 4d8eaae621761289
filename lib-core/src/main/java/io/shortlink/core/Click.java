package io.shortlink.core;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

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

    /** A version-7 (time-ordered) UUID for a click at {@code at}; see {@link Ids#timeOrdered(long)}. */
    static UUID newEventId(Instant at) {
        return Ids.timeOrdered(at.toEpochMilli());
    }
}
