package io.shortlink.benchmarks;

import io.shortlink.core.Click;
import io.shortlink.core.ClickSink;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.ShortCode;
import io.shortlink.events.ClickCodec;
import io.shortlink.events.ClickPublisher;
import io.shortlink.events.ClickPublisherConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clicks per second into a real Kafka broker through {@link ClickPublisher} (queue, sender
 * thread, idempotent producer, {@code acks=all}), beside a raw {@link KafkaProducer} sending the
 * same records with the same settings from the benchmark thread in the same run; and the latency
 * of an acknowledged append (what a redirect waits in {@code acked} delivery). The broker is the
 * one {@code scripts/services up kafka} starts (override with {@code -Dshortlink.bench.kafka=host:port});
 * each trial makes its own 6-partition topic and deletes it.
 *
 * <p>Run (from the project root, the broker up):
 * <pre>
 * mvn -q -o -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar KafkaPublisherBenchmark -f 2 -wi 3 -i 5 -w 5s -r 5s
 * </pre>
 *
 * <p>Figures: see docs/perf/phase3.md (they depend on the broker sharing the two cores).
 */
@State(Scope.Benchmark)
public class KafkaPublisherBenchmark {
    static final int CLICKS_PER_INVOCATION = 20_000;
    private static final String BOOTSTRAP = System.getProperty("shortlink.bench.kafka", "127.0.0.1:19092");

    /** {@code linger.ms}: 0 sends as soon as the sender thread can, 5 is the default, 20 batches harder. */
    @Param({"0", "5", "20"})
    public int lingerMs;

    /** {@code compression.type}. */
    @Param({"none", "lz4"})
    public String compression;

    private String topic;
    private Path spillDir;
    private ClickPublisher publisher;
    private KafkaProducer<byte[], byte[]> raw;
    private Click[] clicks;
    private final AtomicLong published = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        topic = "bench-clicks-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        spillDir = Files.createTempDirectory("bench-spill");
        Map<String, String> settings = Map.of(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        publisher = ClickPublisher.builder(ClickPublisherConfig.defaults(BOOTSTRAP).withTopic(topic).withSpillDir(spillDir)
                        .withProducer(settings))
                .metrics(new MetricsListener() {
                    @Override
                    public void clicksPublished(long count) {
                        published.addAndGet(count);
                    }
                })
                .start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.putAll(settings);
        raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        clicks = new Click[CLICKS_PER_INVOCATION];
        Instant now = Instant.now();
        for (int i = 0; i < clicks.length; i++) {
            clicks[i] = Click.of(new ShortCode("c" + (i * 7919 % 100_000)), now.plusMillis(i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        publisher.close();
        raw.close(Duration.ofSeconds(10));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(spillDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** The publisher end to end: 20,000 appends, then a flush until Kafka acknowledged them all. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(CLICKS_PER_INVOCATION)
    public long publisher() throws InterruptedException {
        for (Click click : clicks) {
            publisher.append(click);
        }
        if (!publisher.flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("not flushed within 60 s");
        }
        return published.get();
    }

    /** Baseline: the same records straight into a KafkaProducer, then flush. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(CLICKS_PER_INVOCATION)
    public void rawProducer() {
        for (Click click : clicks) {
            raw.send(new ProducerRecord<>(topic, ClickCodec.encodeKey(click.code()), ClickCodec.encode(click)));
        }
        raw.flush();
    }

    /** What an acked redirect waits: one acknowledged append, 16 threads at once (group commit). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Threads(16)
    public ClickSink.Ack ackedAppend() throws InterruptedException {
        return publisher.appendAcknowledged(Click.of(clicks[0].code(), Instant.now()), Duration.ofSeconds(5));
    }
}
