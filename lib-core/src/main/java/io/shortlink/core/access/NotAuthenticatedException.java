package io.shortlink.core.access;

import java.util.Objects;

/** No valid key came with the call (an HTTP 401). The message never contains the token. */
public final class NotAuthenticatedException extends RuntimeException {
    private final Reason reason;

    public NotAuthenticatedException(Reason reason) {
        super(Objects.requireNonNull(reason, "reason").message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Why the call is not authenticated. */
    public enum Reason {
        MISSING("no API key was sent"),
        MALFORMED("the API key is not of the form slk_<id>_<secret>"),
        /** No key has this id, or its secret does not match: the two are not told apart. */
        UNKNOWN("the API key is not known"),
        EXPIRED("the API key has expired"),
        REVOKED("the API key has been revoked");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }
}
