package io.shortlink.core;

import java.time.Duration;

/**
 * The rules the libraries' config records share, for their compact constructors: each throws
 * {@link IllegalArgumentException} with a message that names the value and the rule it broke.
 */
public final class ConfigRules {

    private ConfigRules() {
    }

    /** {@code value} must be longer than zero. */
    public static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
    }

    /** {@code value} must be {@code min} or longer. */
    public static void requireAtLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    /**
     * A retry pause that starts at {@code retryBackoff} and doubles up to {@code maxBackoff}: both
     * positive, and the longest pause not shorter than the first.
     */
    public static void requireBackoff(Duration retryBackoff, Duration maxBackoff) {
        requirePositive("retryBackoff", retryBackoff);
        requirePositive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than retryBackoff ("
                    + retryBackoff + ")");
        }
    }
}
