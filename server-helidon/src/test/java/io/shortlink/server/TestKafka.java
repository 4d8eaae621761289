package io.shortlink.server;

import io.shortlink.core.ClickLedger;
import io.shortlink.core.MetricsListener;
import io.shortlink.events.ClickConsumer;
import io.shortlink.events.ClickConsumerConfig;
import io.shortlink.events.ClickPublisherConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Kafka broker of the integration profile ({@value #PROPERTY}, scripts/services' broker on
 * 127.0.0.1:19092 by default) and topics of one test each: the broker refuses to create topics on
 * first use, so a test makes its own, with a unique name, and deletes it when done.
 *
 * <pre>{@code
 * try (TestKafka.Topic topic = TestKafka.createTopic("broker-killed")) {
 *     ClickPublisherConfig.defaults(TestKafka.bootstrap()).withTopic(topic.name()) ...
 * }
 * }</pre>
 *
 * <p>Fault tests kill and restart the broker through {@link #services()}; see
 * {@link LocalServices#requireKafkaRestartsOn} for what a private broker on other ports needs.
 */
final class TestKafka {
    static final String PROPERTY = "shortlink.it.kafka";
    /** Six, like the clicks topic of scripts/services (ClickTopicConfig.defaults). */
    static final int PARTITIONS = 6;
    private static final long ADMIN_TIMEOUT_SECONDS = 20;

    private TestKafka() {
    }

    /** The broker's {@code host:port}; skips the test (an assumption) without the integration profile. */
    static String bootstrap() {
        String address = System.getProperty(PROPERTY, "");
        assumeTrue(!address.isBlank(), "needs Kafka: run with -Pintegration (scripts/services up kafka)");
        return address;
    }

    /**
     * The services root whose broker a fault test may kill and restart, checked first: failing
     * here, before the kill, beats a broker that does not come back.
     */
    static LocalServices services() {
        LocalServices services = LocalServices.ofKafka();
        if (!services.isRunning(LocalServices.KAFKA)) {
            throw new IllegalStateException("the Kafka broker of " + services.root() + " is not running; name the "
                    + "checkout whose broker " + bootstrap() + " is: -D" + LocalServices.KAFKA_ROOT_PROPERTY + "=/path/to/it");
        }
        services.requireKafkaRestartsOn(URI.create("tcp://" + bootstrap()).getPort());
        return services;
    }

    /** A topic of {@value #PARTITIONS} partitions, replication factor 1, named {@code it-<what>-<random>}. */
    static Topic createTopic(String what) {
        String name = "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin(a -> a.createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1))).all());
        return new Topic(name);
    }

    /** Records in each partition of {@code topic}: the log end offsets (nothing is deleted in a test's time). */
    static Map<Integer, Long> endOffsets(String topic) {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        return admin(a -> a.listOffsets(latest).all()).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** The members of consumer group {@code group} and how many partitions each has now; none before it exists. */
    static Map<String, Integer> assignment(String group) {
        ConsumerGroupDescription description;
        try {
            description = admin(a -> a.describeConsumerGroups(List.of(group)).describedGroups().get(group));
        } catch (IllegalStateException e) {
            if (e.getCause() != null && e.getCause().getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
        return description.members().stream().collect(Collectors.toMap(MemberDescription::consumerId,
                m -> m.assignment().topicPartitions().size()));
    }

    private static <T> T admin(Function<Admin, org.apache.kafka.common.KafkaFuture<T>> call) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
            return call.apply(admin).get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin call to " + bootstrap() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A test's own topic; closing deletes it. */
    record Topic(String name) implements AutoCloseable {
        /** The consumer group a test's consumers of this topic share. */
        String group() {
            return name + "-ledger";
        }

        /** The ledger's name for this topic's positions (ClickConsumerConfig.stream()). */
        String stream() {
            return "kafka:" + name;
        }

        /**
         * A consumer of this topic in this process, in the topic's group, applying to {@code ledger}
         * and reporting to {@code metrics}, its quarantine file in {@code dir}; started.
         */
        ClickConsumer consumer(ClickLedger ledger, MetricsListener metrics, Path dir) {
            return ClickConsumer.builder(ClickConsumerConfig.defaults(bootstrap()).withTopic(name).withGroupId(group())
                    .withQuarantineFile(dir.resolve("quarantine.jsonl")), ledger).metrics(metrics).start();
        }

        /** The publisher's defaults pointed at this topic, spilling to {@code spillDir}, probing every 200 ms. */
        ClickPublisherConfig publisher(Path spillDir) {
            return ClickPublisherConfig.defaults(bootstrap()).withTopic(name).withSpillDir(spillDir)
                    .withProbeInterval(Duration.ofMillis(200));
        }

        /**
         * The configuration keys that point a phase-3 server or consumer at this broker, topic and
         * group, with its spill and quarantine files under {@code dir}.
         */
        Map<String, String> settings(Path dir) {
            return Map.of(
                    "shortlink.kafka.bootstrap-servers", bootstrap(),
                    "shortlink.kafka.topic", name,
                    "shortlink.kafka.group-id", group(),
                    "shortlink.kafka.spill-dir", dir.resolve("spill").toString(),
                    "shortlink.kafka.quarantine-file", dir.resolve("quarantine/click-records.jsonl").toString(),
                    "shortlink.clicks.quarantine-file", dir.resolve("quarantine/clicks.jsonl").toString());
        }

        @Override
        public void close() {
            admin(a -> a.deleteTopics(List.of(name)).all());
        }
    }
}
