package io.shortlink.core;

import java.util.Optional;
import java.util.Set;

/**
 * The path segment that names a link: a generated code or a caller's alias.
 *
 * <p>Case-sensitive everywhere ({@code abc} and {@code ABC} are two codes). A value of this type
 * has the shape of a code, 1 to 64 characters of {@code [A-Za-z0-9_-]}; whether it exists is the
 * store's business.
 */
public record ShortCode(String value) implements Comparable<ShortCode> {
    /** The longest code or alias accepted. */
    public static final int MAX_LENGTH = 64;
    /** The shortest alias a caller may choose. Generated codes are longer. */
    public static final int MIN_ALIAS_LENGTH = 4;

    /**
     * Words that cannot be aliases unless the host says otherwise: paths a web host commonly owns
     * and names that would mislead a reader of a short URL. Compared case-insensitively. The
     * {@link Shortener} uses them by default; a host gives its own with
     * {@link Shortener.Builder#reserved}.
     */
    public static final Set<String> RESERVED = Set.of(
            "api", "observe", "health", "metrics", "admin", "static", "assets", "docs", "login",
            "logout", "signup", "stats", "status", "well-known", "null", "undefined", "shortlink");

    public ShortCode {
        if (!hasShape(value)) {
            throw new IllegalArgumentException("not a short code: " + value);
        }
    }

    /** Parses a path segment; empty when it cannot be a code (the server answers 404). */
    public static Optional<ShortCode> parse(String segment) {
        return hasShape(segment) ? Optional.of(new ShortCode(segment)) : Optional.empty();
    }

    /**
     * Validates a caller-chosen alias against {@link #RESERVED}.
     *
     * @throws InputRejectedException {@link InputRule#ALIAS_INVALID} or {@link InputRule#ALIAS_RESERVED}
     */
    public static ShortCode alias(String alias) {
        return alias(alias, RESERVED);
    }

    /**
     * Validates a caller-chosen alias against the host's reserved words (lower case).
     *
     * @throws InputRejectedException {@link InputRule#ALIAS_INVALID} or {@link InputRule#ALIAS_RESERVED}
     */
    public static ShortCode alias(String alias, Set<String> reserved) {
        // Reserved first: "api" is refused for what it is, not for being one character short.
        if (alias != null && reserved.contains(alias.toLowerCase(java.util.Locale.ROOT))) {
            throw new InputRejectedException(InputRule.ALIAS_RESERVED,
                    "alias '" + alias + "' is reserved");
        }
        if (alias == null || alias.length() < MIN_ALIAS_LENGTH || !hasShape(alias)) {
            throw new InputRejectedException(InputRule.ALIAS_INVALID,
                    "alias must be " + MIN_ALIAS_LENGTH + " to " + MAX_LENGTH
                            + " characters of [A-Za-z0-9_-]");
        }
        return new ShortCode(alias);
    }

    private static boolean hasShape(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(ShortCode other) {
        return value.compareTo(other.value);
    }

    /**
     * The record's own equality, written out: a code is a key of every map on the redirect path
     * (the cache, the click batcher), and the generated {@code equals} went through a chain of
     * method handles that showed as 3 % of a redirect's CPU samples.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ShortCode other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
