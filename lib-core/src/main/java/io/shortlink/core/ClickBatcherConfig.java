package io.shortlink.core;

import static io.shortlink.core.ConfigRules.requireBackoff;
import static io.shortlink.core.ConfigRules.requirePositive;

import java.time.Duration;

/**
 * How a {@link ClickBatcher} batches. Validated on construction: a bad value fails at start-up
 * with a message naming the rule. A <i>key</i> is one (link, minute) pair: the batcher holds and
 * writes one count per key, however many clicks it stands for.
 *
 * @param linger        a batch is sent once its oldest click has waited this long ...
 * @param batchKeys     ... or as soon as this many keys are waiting; also the most keys one
 *                      ledger transaction gets (a larger backlog goes as several transactions)
 * @param maxKeys       at most this many keys are held, batches being sent or retried included;
 *                      a click on a key already held is always accepted, a click that would add
 *                      a key beyond it is refused and counted (never blocking a redirect)
 * @param closeTimeout  how long {@code close()} keeps trying to deliver what is held
 * @param retryBackoff  first pause after a transient failure; doubles per failure up to {@code maxBackoff}
 * @param maxBackoff    longest pause between retries
 */
public record ClickBatcherConfig(Duration linger, int batchKeys, int maxKeys, Duration closeTimeout,
                                 Duration retryBackoff, Duration maxBackoff) {

    public ClickBatcherConfig {
        requirePositive("linger", linger);
        if (batchKeys < 1) {
            throw new IllegalArgumentException("batchKeys must be at least 1, was " + batchKeys);
        }
        if (maxKeys < batchKeys) {
            throw new IllegalArgumentException("maxKeys (" + maxKeys + ") must be at least batchKeys (" + batchKeys + ")");
        }
        requirePositive("closeTimeout", closeTimeout);
        requireBackoff(retryBackoff, maxBackoff);
    }

    /**
     * Linger 100 ms; 5,000 keys per transaction; 500,000 keys held (about 75 MB; a 20 s database
     * outage at 10k clicks/s over 100,000 links needs at most 200,000); 10 s to drain on close;
     * retries from 100 ms up to 5 s.
     */
    public static ClickBatcherConfig defaults() {
        return new ClickBatcherConfig(Duration.ofMillis(100), 5_000, 500_000, Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public ClickBatcherConfig withLinger(Duration value) {
        return new ClickBatcherConfig(value, batchKeys, maxKeys, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withBatchKeys(int value) {
        return new ClickBatcherConfig(linger, value, maxKeys, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withMaxKeys(int value) {
        return new ClickBatcherConfig(linger, batchKeys, value, closeTimeout, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withCloseTimeout(Duration value) {
        return new ClickBatcherConfig(linger, batchKeys, maxKeys, value, retryBackoff, maxBackoff);
    }

    public ClickBatcherConfig withBackoff(Duration first, Duration max) {
        return new ClickBatcherConfig(linger, batchKeys, maxKeys, closeTimeout, first, max);
    }
}
