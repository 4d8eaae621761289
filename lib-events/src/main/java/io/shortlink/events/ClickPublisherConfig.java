package io.shortlink.events;

import static io.shortlink.core.ConfigRules.requireAtLeast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link ClickPublisher} reaches Kafka and where it spills. Validated on construction: a bad
 * value fails at start-up with a message naming the rule.
 *
 * @param bootstrapServers  Kafka's bootstrap servers, {@code host:port[,host:port]}
 * @param topic             the clicks topic; it must exist (the publisher never creates topics)
 * @param queueCapacity     clicks waiting between the request threads and the sender thread
 * @param offerTimeout      when the queue is full (redirects arrive faster than the sender can
 *                          hand clicks to Kafka or the spill), how long {@code append} waits for
 *                          room before it refuses and counts: backpressure, so that overload
 *                          slows redirects down instead of losing their clicks. The wait parks a
 *                          virtual thread; it never waits on I/O
 * @param spillDir          the local spill's directory; one publisher per directory
 * @param spill             the spill's size bound and segment size
 * @param spillSyncInterval in buffered mode, how often what was spilled is forced to disk
 * @param deliveryTimeout   how long Kafka may take to acknowledge a click before the publisher
 *                          gives up on it and spills it ({@code delivery.timeout.ms}); short, so
 *                          the producer does not hold clicks for long when the broker dies
 * @param ackSpillAfter     how long a click whose appender waits for it to be durable
 *                          ({@code appendAcknowledged}) may go unacknowledged by Kafka before the
 *                          publisher also writes it to the spill, forces that to disk, answers
 *                          the appender and spills what follows until Kafka answers again: the
 *                          bound on an acknowledged redirect's wait when the broker dies or
 *                          stalls. Such a click may reach Kafka as well; the consumer's ledger
 *                          keeps it once, by its event id. Below {@code deliveryTimeout}
 * @param probeInterval     while spilling, how often to try Kafka again (by replaying the oldest
 *                          spilled segment)
 * @param closeTimeout      how long {@code close()} waits for Kafka before spilling the rest
 * @param producer          extra or overriding {@code KafkaProducer} properties (validated by Kafka)
 */
public record ClickPublisherConfig(String bootstrapServers, String topic, int queueCapacity, Duration offerTimeout,
                                   Path spillDir,
                                   SpillConfig spill, Duration spillSyncInterval, Duration deliveryTimeout,
                                   Duration ackSpillAfter, Duration probeInterval, Duration closeTimeout, Map<String, String> producer) {

    public ClickPublisherConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one host:port");
        }
        new ClickTopicConfig(topic, 1, (short) 1); // the topic name rule, in one place
        if (queueCapacity < 1_024) {
            throw new IllegalArgumentException("queueCapacity must be at least 1024, was " + queueCapacity);
        }
        if (offerTimeout == null || offerTimeout.isNegative()) {
            throw new IllegalArgumentException("offerTimeout must be zero or positive, was " + offerTimeout);
        }
        Objects.requireNonNull(spillDir, "spillDir");
        Objects.requireNonNull(spill, "spill");
        requireAtLeast("spillSyncInterval", spillSyncInterval, Duration.ofMillis(1));
        requireAtLeast("deliveryTimeout", deliveryTimeout, Duration.ofMillis(500));
        requireAtLeast("ackSpillAfter", ackSpillAfter, Duration.ofMillis(1));
        if (ackSpillAfter.compareTo(deliveryTimeout) >= 0) {
            throw new IllegalArgumentException("ackSpillAfter must be shorter than deliveryTimeout (" + deliveryTimeout
                    + "), was " + ackSpillAfter);
        }
        requireAtLeast("probeInterval", probeInterval, Duration.ofMillis(10));
        requireAtLeast("closeTimeout", closeTimeout, Duration.ofMillis(1));
        producer = Map.copyOf(producer);
    }

    /**
     * Queue 16,384 clicks, wait up to 1 s for room in it; spill to {@code ./data/spill}, 1 GiB in 4 MiB segments (a replay holds
     * one segment, about 100,000 clicks, in memory), synced every 50 ms; Kafka must acknowledge
     * within 2 s, an acknowledged append within 250 ms (else it is spilled too); probe every
     * second while spilling; 10 s to close.
     */
    public static ClickPublisherConfig defaults(String bootstrapServers) {
        return new ClickPublisherConfig(bootstrapServers, ClickTopicConfig.defaults().topic(), 16_384,
                Duration.ofSeconds(1), Path.of("data", "spill"), new SpillConfig(1L << 30, 4L << 20), Duration.ofMillis(50),
                Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(10), Map.of());
    }

    public ClickPublisherConfig withTopic(String value) {
        return edit(d -> d.topic = value);
    }

    public ClickPublisherConfig withSpillDir(Path value) {
        return edit(d -> d.spillDir = value);
    }

    public ClickPublisherConfig withSpill(SpillConfig value) {
        return edit(d -> d.spill = value);
    }

    public ClickPublisherConfig withQueueCapacity(int value) {
        return edit(d -> d.queueCapacity = value);
    }

    public ClickPublisherConfig withOfferTimeout(Duration value) {
        return edit(d -> d.offerTimeout = value);
    }

    public ClickPublisherConfig withDeliveryTimeout(Duration value) {
        return edit(d -> d.deliveryTimeout = value);
    }

    public ClickPublisherConfig withAckSpillAfter(Duration value) {
        return edit(d -> d.ackSpillAfter = value);
    }

    public ClickPublisherConfig withProbeInterval(Duration value) {
        return edit(d -> d.probeInterval = value);
    }

    public ClickPublisherConfig withCloseTimeout(Duration value) {
        return edit(d -> d.closeTimeout = value);
    }

    public ClickPublisherConfig withProducer(Map<String, String> value) {
        return edit(d -> d.producer = value);
    }

    /** A copy with {@code change} applied to a draft of this config, validated as a new one. */
    private ClickPublisherConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new ClickPublisherConfig(d.bootstrapServers, d.topic, d.queueCapacity, d.offerTimeout, d.spillDir, d.spill,
                d.spillSyncInterval, d.deliveryTimeout, d.ackSpillAfter, d.probeInterval, d.closeTimeout, d.producer);
    }

    /** The components, mutable, for {@link #edit}. */
    private static final class Draft {
        String bootstrapServers;
        String topic;
        int queueCapacity;
        Duration offerTimeout;
        Path spillDir;
        SpillConfig spill;
        Duration spillSyncInterval;
        Duration deliveryTimeout;
        Duration ackSpillAfter;
        Duration probeInterval;
        Duration closeTimeout;
        Map<String, String> producer;

        Draft(ClickPublisherConfig c) {
            bootstrapServers = c.bootstrapServers;
            topic = c.topic;
            queueCapacity = c.queueCapacity;
            offerTimeout = c.offerTimeout;
            spillDir = c.spillDir;
            spill = c.spill;
            spillSyncInterval = c.spillSyncInterval;
            deliveryTimeout = c.deliveryTimeout;
            ackSpillAfter = c.ackSpillAfter;
            probeInterval = c.probeInterval;
            closeTimeout = c.closeTimeout;
            producer = c.producer;
        }
    }
}
