package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class ClickBatcherConfigTest {

    @Test
    void refusesMaxKeysSmallerThanBatchKeys_namingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withBatchKeys(10).withMaxKeys(5));

        assertTrue(e.getMessage().contains("maxKeys") && e.getMessage().contains("batchKeys"), e.getMessage());
    }

    @Test
    void refusesMaxBackoffShorterThanRetryBackoff() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));

        assertTrue(e.getMessage().contains("maxBackoff"), e.getMessage());
    }

    @Test
    void refusesNonPositiveDurations_namingThem() {
        IllegalArgumentException linger = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withLinger(Duration.ZERO));
        IllegalArgumentException close = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withCloseTimeout(Duration.ofMillis(-1)));

        assertTrue(linger.getMessage().startsWith("linger"), linger.getMessage());
        assertTrue(close.getMessage().startsWith("closeTimeout"), close.getMessage());
    }

    @Test
    void refusesBatchKeysBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClickBatcherConfig.defaults().withBatchKeys(0));

        assertTrue(e.getMessage().startsWith("batchKeys"), e.getMessage());
    }
}
