package io.shortlink.core;

/** No link ever had this code: the answer of {@link Shortener}'s reads and delete (an HTTP 404). */
public final class LinkNotFoundException extends RuntimeException {
    private final String code;

    public LinkNotFoundException(String code) {
        // No stack trace: an unknown code is an answer, not a fault.
        super("no link has the code '" + code + "'", null, false, false);
        this.code = code;
    }

    /** The code as asked for. */
    public String code() {
        return code;
    }
}
