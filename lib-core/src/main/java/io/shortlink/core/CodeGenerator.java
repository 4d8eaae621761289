package io.shortlink.core;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Draws random base62 codes. Thread-safe.
 *
 * <p>Codes are drawn uniformly from a secure random source, never sequentially, so that a code
 * reveals nothing about its neighbours. With 7 characters there are 62^7 ≈ 3.5 × 10^12 codes;
 * at 100 million links a fresh draw collides with probability ≈ 3 × 10^-5, and the store's
 * unique key turns a collision into a retry.
 */
public final class CodeGenerator {
    /** The default length of a generated code. */
    public static final int DEFAULT_LENGTH = 7;

    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final RandomGenerator random;
    private final int length;

    /** Whether {@code c} is one of the characters generated codes are made of ({@code [0-9A-Za-z]}). */
    public static boolean isCodeCharacter(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private CodeGenerator(RandomGenerator random, int length) {
        if (length < 6 || length > ShortCode.MAX_LENGTH) {
            throw new IllegalArgumentException("code length must be 6.." + ShortCode.MAX_LENGTH + ", was " + length);
        }
        this.random = random;
        this.length = length;
    }

    /** Codes of {@code length} characters from a {@link SecureRandom}. */
    public static CodeGenerator secure(int length) {
        return new CodeGenerator(new SecureRandom(), length);
    }

    /** Codes from the given source; for tests and benchmarks that need repeatable draws. */
    public static CodeGenerator using(RandomGenerator random, int length) {
        return new CodeGenerator(random, length);
    }

    public int length() {
        return length;
    }

    public ShortCode next() {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new ShortCode(new String(chars));
    }
}
