package io.shortlink.events;

/**
 * The Kafka topic that carries clicks, as the publisher creates or expects it. Validated on
 * construction: a bad value fails at start-up with a message naming the rule.
 *
 * @param topic             the topic's name: 1 to 249 characters of {@code [A-Za-z0-9._-]},
 *                          neither {@code .} nor {@code ..} (Kafka's own rule)
 * @param partitions        how many partitions; the most consumers that share the work
 * @param replicationFactor copies of each partition, including the leader
 */
public record ClickTopicConfig(String topic, int partitions, short replicationFactor) {
    static final int MAX_TOPIC_LENGTH = 249;

    public ClickTopicConfig {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("topic must be 1.." + MAX_TOPIC_LENGTH + " characters, was "
                    + (topic == null ? "null" : topic.length() + " characters"));
        }
        if (topic.equals(".") || topic.equals("..") || !topic.chars().allMatch(ClickTopicConfig::isTopicChar)) {
            throw new IllegalArgumentException("topic must be [A-Za-z0-9._-] and not '.' or '..', was '"
                    + topic + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
    }

    /**
     * {@code clicks}, 6 partitions, replication factor 1.
     *
     * <p>6 partitions divide evenly among 1, 2, 3 or 6 consumers, and clicks are keyed by code,
     * so one link's clicks stay in order in one partition whatever the count. Partitions can be
     * added later but not removed, and adding them moves codes to other partitions, so this is
     * the count to get right first. Replication factor 1 fits the single local broker of
     * {@code scripts/services}; a cluster in production wants 3 (with {@code min.insync.replicas=2}).
     */
    public static ClickTopicConfig defaults() {
        return new ClickTopicConfig("clicks", 6, (short) 1);
    }

    public ClickTopicConfig withTopic(String value) {
        return new ClickTopicConfig(value, partitions, replicationFactor);
    }

    public ClickTopicConfig withPartitions(int value) {
        return new ClickTopicConfig(topic, value, replicationFactor);
    }

    public ClickTopicConfig withReplicationFactor(short value) {
        return new ClickTopicConfig(topic, partitions, value);
    }

    private static boolean isTopicChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
