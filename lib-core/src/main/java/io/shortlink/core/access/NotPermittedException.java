package io.shortlink.core.access;

import java.util.Objects;

/** The caller's key is valid but lacks the scope a call needs (an HTTP 403). */
public final class NotPermittedException extends RuntimeException {
    private final Scope missing;

    public NotPermittedException(Scope missing) {
        // No stack trace: a refusal is an answer, not a fault.
        super("this key lacks the scope '" + missing.wireName() + "'", null, false, false);
        this.missing = Objects.requireNonNull(missing, "missing");
    }

    /** The scope the call needs. */
    public Scope missing() {
        return missing;
    }
}
