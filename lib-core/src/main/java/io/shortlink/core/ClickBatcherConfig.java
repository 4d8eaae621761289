package io.shortlink.core;

import java.time.Duration;

/**
 * How a {@link ClickBatcher} batches. Validated on construction: a bad value fails at start-up
 * with a message naming the rule.
 *
 * @param batchSize     a batch is sent as soon as this many clicks are buffered
 * @param linger        ... or as soon as the oldest buffered click has waited this long
 * @param capacity      at most this many clicks are buffered; beyond it {@code append} refuses
 *                      (the overflow policy: refuse and count, never block a redirect)
 * @param closeTimeout  how long {@code close()} keeps trying to deliver what is buffered
 * @param retryBackoff  first pause after a failed batch; doubles per failure up to {@code maxBackoff}
 * @param maxBackoff    longest pause between retries of a failed batch
 */
public record ClickBatcherConfig(int batchSize, Duration linger, int capacity, Duration closeTimeout,
                                 Duration retryBackoff, Duration maxBackoff) {

    public ClickBatcherConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (capacity < batchSize) {
            throw new IllegalArgumentException("capacity (" + capacity + ") must be at least batchSize (" + batchSize + ")");
        }
        requirePositive("linger", linger);
        requirePositive("closeTimeout", closeTimeout);
        requirePositive("retryBackoff", retryBackoff);
        requirePositive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must not be shorter than retryBackoff");
        }
    }

    /**
     * 1,000 clicks or 100 ms, 100,000 buffered (about 10 s of the 10k req/s target, ~10 MB),
     * 10 s to drain on close, retries from 100 ms up to 5 s.
     */
    public static ClickBatcherConfig defaults() {
        return new ClickBatcherConfig(1_000, Duration.ofMillis(100), 100_000, Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public ClickBatcherConfig withBatchSize(int value) {
        return new ClickBatcherConfig(value, linger, capacity, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withLinger(Duration value) {
        return new ClickBatcherConfig(batchSize, value, capacity, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withCapacity(int value) {
        return new ClickBatcherConfig(batchSize, linger, value, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withCloseTimeout(Duration value) {
        return new ClickBatcherConfig(batchSize, linger, capacity, value, retryBackoff, maxBackoff);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
