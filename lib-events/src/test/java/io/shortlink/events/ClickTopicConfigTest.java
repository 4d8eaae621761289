package io.shortlink.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ClickTopicConfigTest {
    private static final ClickTopicConfig DEFAULTS = ClickTopicConfig.defaults();

    @Test
    void defaults_areClicks_sixPartitions_replicationFactorOne() {
        assertEquals(new ClickTopicConfig("clicks", 6, (short) 1), DEFAULTS);
    }

    @Test
    void topic_mayUseEveryCharacterKafkaAllows() {
        assertEquals("shortlink.clicks_v1-eu", DEFAULTS.withTopic("shortlink.clicks_v1-eu").topic());
    }

    @Test
    void topic_mustBeSet() {
        assertRefused("topic must be 1..249 characters, was null", () -> DEFAULTS.withTopic(null));
    }

    @Test
    void topic_mustNotBeEmpty() {
        assertRefused("topic must be 1..249 characters, was 0 characters", () -> DEFAULTS.withTopic(""));
    }

    @Test
    void topic_mustNotBeLongerThan249Characters() {
        assertRefused("topic must be 1..249 characters, was 250 characters", () -> DEFAULTS.withTopic("c".repeat(250)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"clicks topic", "clicks/eu", "klicks-ü", ".", ".."})
    void topic_mustBeKafkaLegal(String topic) {
        assertRefused("topic must be [A-Za-z0-9._-] and not '.' or '..', was '" + topic + "'",
                () -> DEFAULTS.withTopic(topic));
    }

    @Test
    void partitions_mustBeAtLeastOne() {
        assertRefused("partitions must be at least 1, was 0", () -> DEFAULTS.withPartitions(0));
    }

    @Test
    void replicationFactor_mustBeAtLeastOne() {
        assertRefused("replicationFactor must be at least 1, was 0", () -> DEFAULTS.withReplicationFactor((short) 0));
    }

    private static void assertRefused(String message, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertEquals(message, e.getMessage());
    }
}
