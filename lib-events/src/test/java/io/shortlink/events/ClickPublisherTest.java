package io.shortlink.events;

import io.shortlink.core.Click;
import io.shortlink.core.ClickSink;
import io.shortlink.core.ShortCode;
import io.shortlink.core.testing.CountingMetrics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.shortlink.core.testing.CountingMetrics.Total.ACK_TIMEOUTS;
import static io.shortlink.core.testing.CountingMetrics.Total.DROPPED;
import static io.shortlink.core.testing.CountingMetrics.Total.PUBLISHED;
import static io.shortlink.core.testing.CountingMetrics.Total.REPLAYED;
import static io.shortlink.core.testing.CountingMetrics.Total.SPILLED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publisher's promises against Kafka's own test producer (which fails and completes sends
 * on command); the same promises against a real broker that is killed are the server's
 * Kafka ITs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class ClickPublisherTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final ShortCode CODE = new ShortCode("abc1234");

    @TempDir
    Path spillDir;
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<ClickPublisher> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ClickPublisher::close);
    }

    private ClickPublisherConfig config() {
        return ClickPublisherConfig.defaults("127.0.0.1:1").withSpillDir(spillDir)
                .withProbeInterval(Duration.ofMillis(20)).withCloseTimeout(Duration.ofSeconds(2));
    }

    private ClickPublisher start(ClickPublisherConfig config, Producer<byte[], byte[]> producer) {
        ClickPublisher publisher = ClickPublisher.builder(config).metrics(metrics).producers(p -> producer).start();
        opened.add(publisher);
        return publisher;
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            /** As KafkaProducer.close(timeout) does: what is still unanswered fails, its callbacks run. */
            @Override
            public void close(Duration timeout) {
                while (errorNext(new TimeoutException("producer closed before an answer (test)"))) {
                    // fail every pending send
                }
                super.close(timeout);
            }
        };
    }

    private static List<Click> clicks(int n) {
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Click.of(CODE, T0.plusMillis(i)));
        }
        return out;
    }

    /** Appends {@link #clicks(int) clicks(n)} to {@code publisher} and returns them. */
    private static List<Click> appendClicks(ClickPublisher publisher, int n) {
        List<Click> clicks = clicks(n);
        clicks.forEach(publisher::append);
        return clicks;
    }

    private static Set<UUID> ids(List<ProducerRecord<byte[], byte[]>> records) {
        Set<UUID> out = new HashSet<>();
        records.forEach(r -> out.add(ClickCodec.decode(r.value()).eventId()));
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void clicks_arePublishedKeyedByCode_withTheCodecsValue() throws InterruptedException {
        MockProducer<byte[], byte[]> kafka = producer(true);
        ClickPublisher publisher = start(config(), kafka);
        List<Click> clicks = appendClicks(publisher, 100);
        assertTrue(publisher.flush(Duration.ofSeconds(5)));

        assertEquals(100, kafka.history().size());
        ProducerRecord<byte[], byte[]> first = kafka.history().getFirst();
        assertEquals("clicks", first.topic());
        assertArrayEquals(ClickCodec.encodeKey(CODE), first.key());
        assertEquals(clicks.getFirst(), ClickCodec.decode(first.value()));
        assertEquals(100, metrics.get(PUBLISHED));
        assertEquals(0, metrics.get(SPILLED));
    }

    @Test
    void clicksKafkaFailsToAcknowledge_areSpilled_andReplayedWithTheirEventIds_onceItDoes() throws InterruptedException {
        MockProducer<byte[], byte[]> kafka = producer(false);
        ClickPublisher publisher = start(config(), kafka);
        List<Click> clicks = appendClicks(publisher, 50);
        await("all 50 handed to the producer", () -> kafka.history().size() == 50);

        while (kafka.errorNext(new TimeoutException("broker gone (test)"))) {
            // every pending send fails, as when the delivery timeout passes
        }
        await("50 spilled", () -> metrics.get(SPILLED) == 50);
        assertTrue(publisher.isSpilling());
        kafka.clear();

        await("the replay sent them again", () -> kafka.history().size() == 50);
        while (kafka.completeNext()) {
            // Kafka is back: the replay is acknowledged
        }
        await("replayed", () -> metrics.get(REPLAYED) == 50);

        Set<UUID> expected = new HashSet<>();
        clicks.forEach(c -> expected.add(c.eventId()));
        assertEquals(expected, ids(kafka.history()), "the same event ids, so the ledger can drop repeats");
        await("back to sending directly", () -> !publisher.isSpilling());
        assertEquals(ClickSink.Backlog.NONE, publisher.backlog());
    }

    @Test
    void aSendThatThrows_spillsTheClick_andNothingIsLost() throws InterruptedException {
        MockProducer<byte[], byte[]> kafka = producer(true);
        kafka.sendException = new TimeoutException("no metadata within max.block.ms (test)");
        ClickPublisher publisher = start(config(), kafka);

        appendClicks(publisher, 20);
        await("20 spilled", () -> metrics.get(SPILLED) == 20);
        kafka.sendException = null;

        await("replayed once Kafka takes sends again", () -> metrics.get(REPLAYED) == 20);
        assertEquals(20, kafka.history().size());
        assertEquals(0, metrics.get(DROPPED));
    }

    @Test
    void anAcknowledgedAppend_returnsDurable_whenKafkaAcknowledges() throws InterruptedException {
        ClickPublisher publisher = start(config(), producer(true));

        assertEquals(ClickSink.Ack.DURABLE, publisher.appendAcknowledged(clicks(1).getFirst(), Duration.ofSeconds(5)));
    }

    @Test
    void anAcknowledgedAppend_returnsDurable_onceItsClickIsForcedToTheSpill_whenKafkaFails() throws InterruptedException {
        MockProducer<byte[], byte[]> kafka = producer(true);
        kafka.sendException = new TimeoutException("broker gone (test)");
        ClickPublisher publisher = start(config(), kafka);

        assertEquals(ClickSink.Ack.DURABLE, publisher.appendAcknowledged(clicks(1).getFirst(), Duration.ofSeconds(5)));
        assertEquals(1, metrics.get(SPILLED));
    }

    @Test
    void anAcknowledgedAppend_isPending_whenNeitherKafkaNorTheSpillHasItInTime() throws InterruptedException {
        ClickPublisher publisher = start(config(), producer(false));   // sends never complete

        assertEquals(ClickSink.Ack.PENDING, publisher.appendAcknowledged(clicks(1).getFirst(), Duration.ofMillis(50)));
        assertEquals(1, metrics.get(ACK_TIMEOUTS));
    }

    @Test
    void anAcknowledgedAppend_thatKafkaLeavesUnanswered_isSpilledAfterAckSpillAfter_andNeverSpilledTwice()
            throws InterruptedException {
        MockProducer<byte[], byte[]> kafka = producer(false);   // a broker that stalls: no answer
        ClickPublisher publisher = start(config().withAckSpillAfter(Duration.ofMillis(30)), kafka);
        Click click = clicks(1).getFirst();

        long started = System.nanoTime();
        assertEquals(ClickSink.Ack.DURABLE, publisher.appendAcknowledged(click, Duration.ofSeconds(5)));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMs >= 30, "answered by the spill only once Kafka was overdue, after " + waitedMs + " ms");
        assertEquals(1, metrics.get(SPILLED));
        assertTrue(publisher.isSpilling(), "what follows goes to the spill until Kafka answers again");

        // Kafka's late answer is a failure: the click is in the spill already, and stays there once.
        assertTrue(kafka.errorNext(new TimeoutException("delivery timeout (test)")));
        assertTrue(publisher.flush(Duration.ofSeconds(5)));
        assertEquals(1, metrics.get(SPILLED));
        assertEquals(Set.of(click.eventId()), ids(kafka.history()), "only this click's id ever sent");
    }

    @Test
    void close_spillsWhatKafkaNeverAcknowledged_andTheNextPublisherReplaysIt() throws InterruptedException {
        MockProducer<byte[], byte[]> silent = producer(false);
        ClickPublisher first = start(config().withCloseTimeout(Duration.ofMillis(200)), silent);
        List<Click> clicks = appendClicks(first, 30);
        await("handed to the producer", () -> silent.history().size() == 30);

        first.close();
        assertTrue(first.spillBytes() > 0, "the unacknowledged clicks are on disk");

        MockProducer<byte[], byte[]> kafka = producer(true);
        start(config(), kafka);
        await("replayed by the next publisher", () -> metrics.get(REPLAYED) == 30);
        Set<UUID> expected = new HashSet<>();
        clicks.forEach(c -> expected.add(c.eventId()));
        assertEquals(expected, ids(kafka.history()));
    }

    @Test
    void aFullQueue_makesAppendWait_forRoom_thenRefuseAndCount() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        MockProducer<byte[], byte[]> kafka = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                try {
                    release.await();   // a sender stuck in send(): the queue fills behind it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        ClickPublisher publisher = start(config().withQueueCapacity(1_024).withOfferTimeout(Duration.ofMillis(20)), kafka);
        int accepted = 0;
        int refused = 0;
        for (Click click : clicks(10_000)) {   // the sender holds one drained batch (<= 4,096) besides the queue
            if (publisher.append(click)) {
                accepted++;
            } else if (++refused == 5) {
                break;
            }
        }
        release.countDown();

        assertEquals(5, refused, "refused only once the queue stayed full for the offer timeout");
        assertTrue(accepted >= 1_024, "accepted " + accepted);
        assertEquals(5, metrics.get(DROPPED));
        assertTrue(publisher.flush(Duration.ofSeconds(10)));
        assertEquals(accepted, kafka.history().size(), "every accepted click published");
    }

    @Test
    void senderThread_isOneNamedPlatformDaemon() {
        start(config(), producer(true));

        List<Thread> senders = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(ClickPublisher.THREAD_NAME)).toList();
        assertEquals(1, senders.size());
        assertTrue(senders.getFirst().isDaemon());
        assertFalse(senders.getFirst().isVirtual());
    }
}
