package io.shortlink.events;

import static io.shortlink.core.ConfigRules.requireBackoff;
import static io.shortlink.core.ConfigRules.requirePositive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link ClickConsumer} reads the clicks topic. Validated on construction: a bad value fails
 * at start-up with a message naming the rule.
 *
 * @param bootstrapServers Kafka's bootstrap servers, {@code host:port[,host:port]}
 * @param topic            the clicks topic
 * @param groupId          the consumer group; every consumer of one ledger shares it, and the
 *                         ledger's positions are kept per topic (one group per ledger)
 * @param maxPollRecords   the most records one poll, and so one ledger transaction, takes
 * @param pollTimeout      how long one poll waits for records; also how soon a stop is noticed
 * @param retryBackoff     first pause after the ledger could not be reached; doubles per failure
 * @param maxBackoff       longest pause between retries
 * @param quarantineFile   where records that cannot be decoded, or that the ledger refuses for
 *                         good, are set aside (one JSON line each)
 * @param consumer         extra or overriding {@code KafkaConsumer} properties (validated by Kafka)
 */
public record ClickConsumerConfig(String bootstrapServers, String topic, String groupId, int maxPollRecords,
                                  Duration pollTimeout, Duration retryBackoff, Duration maxBackoff,
                                  Path quarantineFile, Map<String, String> consumer) {

    public ClickConsumerConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one host:port");
        }
        new ClickTopicConfig(topic, 1, (short) 1); // the topic name rule, in one place
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        if (maxPollRecords < 1 || maxPollRecords > 100_000) {
            throw new IllegalArgumentException("maxPollRecords must be 1..100000, was " + maxPollRecords);
        }
        requirePositive("pollTimeout", pollTimeout);
        requireBackoff(retryBackoff, maxBackoff);
        Objects.requireNonNull(quarantineFile, "quarantineFile");
        consumer = Map.copyOf(consumer);
    }

    /**
     * Topic {@code clicks}, group {@code shortlink-ledger}, up to 5,000 records per transaction,
     * polls of 100 ms, retries from 100 ms to 5 s, quarantine {@code ./data/quarantine/click-records.jsonl}.
     */
    public static ClickConsumerConfig defaults(String bootstrapServers) {
        return new ClickConsumerConfig(bootstrapServers, ClickTopicConfig.defaults().topic(), "shortlink-ledger", 5_000,
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(5),
                Path.of("data", "quarantine", "click-records.jsonl"), Map.of());
    }

    public ClickConsumerConfig withTopic(String value) {
        return edit(d -> d.topic = value);
    }

    public ClickConsumerConfig withGroupId(String value) {
        return edit(d -> d.groupId = value);
    }

    public ClickConsumerConfig withMaxPollRecords(int value) {
        return edit(d -> d.maxPollRecords = value);
    }

    public ClickConsumerConfig withQuarantineFile(Path value) {
        return edit(d -> d.quarantineFile = value);
    }

    public ClickConsumerConfig withConsumer(Map<String, String> value) {
        return edit(d -> d.consumer = value);
    }

    /** A copy with {@code change} applied to a draft of this config, validated as a new one. */
    private ClickConsumerConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new ClickConsumerConfig(d.bootstrapServers, d.topic, d.groupId, d.maxPollRecords, d.pollTimeout,
                d.retryBackoff, d.maxBackoff, d.quarantineFile, d.consumer);
    }

    /** The components, mutable, for {@link #edit}. */
    private static final class Draft {
        String bootstrapServers;
        String topic;
        String groupId;
        int maxPollRecords;
        Duration pollTimeout;
        Duration retryBackoff;
        Duration maxBackoff;
        Path quarantineFile;
        Map<String, String> consumer;

        Draft(ClickConsumerConfig c) {
            bootstrapServers = c.bootstrapServers;
            topic = c.topic;
            groupId = c.groupId;
            maxPollRecords = c.maxPollRecords;
            pollTimeout = c.pollTimeout;
            retryBackoff = c.retryBackoff;
            maxBackoff = c.maxBackoff;
            quarantineFile = c.quarantineFile;
            consumer = c.consumer;
        }
    }

    /** The ledger's name for this topic's positions. */
    public String stream() {
        return "kafka:" + topic;
    }
}
