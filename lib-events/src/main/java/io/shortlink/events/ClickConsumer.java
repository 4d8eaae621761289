package io.shortlink.events;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatchRejectedException;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.StreamRange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the clicks topic as one member of a consumer group and applies each poll to a
 * {@link ClickLedger} exactly once.
 *
 * <pre>{@code
 * ClickConsumer consumer = ClickConsumer.builder(ClickConsumerConfig.defaults("127.0.0.1:19092"), ledger)
 *         .metrics(metrics)
 *         .start();
 * consumer.close();
 * }</pre>
 *
 * <p><b>Exactly once, and why this way.</b> The ledger, not Kafka, holds the truth about what was
 * applied: each poll goes to {@link ClickLedger#record} as events plus, per partition, the range
 * of offsets they came from, and the ledger moves its stored position for each partition in the
 * same transaction, with a compare-and-set. When partitions are assigned (at start, after a
 * rebalance, after any failure) the consumer seeks to the ledger's positions. So a crash at any
 * point, before, during or after the commit, resumes exactly after the last applied range, and a
 * consumer that lost its partitions while it was stalled cannot apply a range twice (its
 * compare-and-set fails). Offsets committed to Kafka are only for lag tools. Positions alone
 * cannot catch the same click published twice (a spill replayed after Kafka took the original):
 * the ledger keeps each event id once, within its retention.
 *
 * <p><b>Failures.</b> Ledger unreachable: the consumer pauses its partitions (staying in the
 * group), waits from {@link ClickConsumerConfig#retryBackoff()} doubling to
 * {@link ClickConsumerConfig#maxBackoff()}, then seeks to the ledger's positions and reads again.
 * A record that cannot be decoded, or that the ledger refuses for good (found by splitting the
 * refused range in halves), is set aside in {@link ClickConsumerConfig#quarantineFile()}, counted,
 * and passed over; later records are not held up. An {@link Error} or unexpected exception on the
 * consumer thread is logged, counted through {@link MetricsListener#workerRestarted}, and the
 * consumer is made anew and rejoins the group.
 *
 * <p>One platform thread, {@value #THREAD_NAME}; {@link #lag()} may be read from any thread.
 */
public final class ClickConsumer implements AutoCloseable {
    /** The name of the consumer thread, as it shows in thread dumps. */
    public static final String THREAD_NAME = "shortlink-click-consumer";

    private static final System.Logger LOG = System.getLogger(ClickConsumer.class.getName());
    private static final Duration RESTART_PAUSE = Duration.ofMillis(500);

    private final ClickConsumerConfig config;
    private final ClickLedger ledger;
    private final MetricsListener metrics;
    private final Function<Properties, Consumer<byte[], byte[]>> consumers;
    private final Thread thread;
    private volatile boolean closing;
    private volatile Consumer<byte[], byte[]> current;
    private volatile long lag;
    private volatile long applied;

    // Consumer thread only.
    /** Where the next range of each assigned partition starts: the ledger's stored position. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private boolean needSeek = true;
    private long backoffNanos;
    private long retryAt;

    private ClickConsumer(Builder b) {
        this.config = b.config;
        this.ledger = b.ledger;
        this.metrics = b.metrics;
        this.consumers = b.consumers;
        this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::runSupervised);
    }

    public static Builder builder(ClickConsumerConfig config, ClickLedger ledger) {
        return new Builder(config, ledger);
    }

    /**
     * The consumer settings, each for a reason: no auto-commit (the ledger holds positions);
     * {@code earliest} for a partition the ledger has never seen; a 10 s session so that a
     * killed member's partitions move to the others within seconds, not the default 45 s;
     * {@code fetch.min.bytes=65536} with {@code fetch.max.wait.ms=250}: a fetch waits for about
     * 1,600 clicks or a quarter of a second, so each ledger transaction (one fsync, six
     * statements) carries hundreds of clicks, not a dozen. Measured on the phase-3 profile at
     * 5,800 redirects/s: with {@code fetch.min.bytes=1} and 100 ms the consumer committed about
     * 270 transactions a second of ~12 clicks each and the tail of every request paid for the
     * CPU (docs/perf/phase3.md); the quarter second is well inside the 2 s freshness goal.
     */
    static Properties consumerProperties(ClickConsumerConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "shortlink-click-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "250");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(config.consumer());
        return p;
    }

    /** Records in the assigned partitions not yet read, as of the last poll; for a gauge. */
    public long lag() {
        return lag;
    }

    /** Click events this consumer has applied (new, not duplicates) since start. */
    public long applied() {
        return applied;
    }

    // ---- the consumer thread ----------------------------------------------------------------

    private void runSupervised() {
        while (!closing) {
            Consumer<byte[], byte[]> consumer = null;
            try {
                consumer = consumers.apply(consumerProperties(config));
                current = consumer;
                if (closing) {
                    return;
                }
                consume(consumer);
            } catch (WakeupException e) {
                if (!closing) {
                    restarted(e);
                }
            } catch (Throwable t) {
                if (closing) {
                    return;
                }
                restarted(t);
            } finally {
                if (consumer != null) {
                    try {
                        consumer.close(Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, () -> "event=click_consumer_close_failed error=\""
                                + e.getMessage() + "\"");
                    }
                }
            }
        }
    }

    private void restarted(Throwable t) {
        metrics.workerRestarted(THREAD_NAME, t);
        LOG.log(System.Logger.Level.ERROR, "event=worker_restarted thread=" + THREAD_NAME, t);
        next.clear();
        needSeek = true;
        try {
            Thread.sleep(RESTART_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consume(Consumer<byte[], byte[]> consumer) {
        consumer.subscribe(List.of(config.topic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Nothing is held between polls, so nothing to finish: forget the positions.
                partitions.forEach(next::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                needSeek = true;
            }
        });
        while (!closing) {
            long now = System.nanoTime();
            if (backoffNanos > 0 && now - retryAt < 0) {
                consumer.poll(Duration.ofNanos(Math.min(retryAt - now, config.pollTimeout().toNanos())));
                continue;
            }
            if (needSeek && !seekToLedger(consumer)) {
                continue;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
            if (needSeek) {
                continue; // a rebalance inside poll(): what it returned is for positions not checked yet
            }
            updateLag(consumer);
            if (records.isEmpty()) {
                continue;
            }
            try {
                applyPoll(records);
                backoffNanos = 0;
                commitForTools(consumer);
            } catch (StoreUnavailableException e) {
                failed(consumer, e);
            } catch (PositionConflictException e) {
                LOG.log(System.Logger.Level.INFO, () -> "event=click_consumer_position_moved message=\""
                        + e.getMessage() + "\"");
                needSeek = true;
            }
        }
    }

    /** Seeks every assigned partition to the ledger's position; false (and backing off) if the ledger is away. */
    private boolean seekToLedger(Consumer<byte[], byte[]> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<Integer, Long> stored;
        try {
            stored = ledger.positions(config.stream());
        } catch (StoreUnavailableException e) {
            failed(consumer, e);
            return false;
        }
        next.clear();
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<TopicPartition, Long> ends = assigned.isEmpty() ? Map.of() : consumer.endOffsets(assigned);
        Map<TopicPartition, Long> starts = assigned.isEmpty() ? Map.of() : consumer.beginningOffsets(assigned);
        for (TopicPartition tp : assigned) {
            Long storedPosition = stored.get(tp.partition());
            Long position = storedPosition;
            long end = ends.getOrDefault(tp, Long.MAX_VALUE);
            long start = starts.getOrDefault(tp, 0L);
            if (position != null && position > end) {
                // The ledger has applied more of this partition than it holds: the topic was
                // deleted and made again. Read the new one from its start; event ids keep any
                // click applied before from counting twice.
                LOG.log(System.Logger.Level.ERROR, () -> "event=click_stream_position_beyond_log partition="
                        + tp.partition() + " stored=" + storedPosition + " logEnd=" + end + " action=reset_to_log_start");
                try {
                    ledger.resetPosition(config.stream(), tp.partition(), start);
                } catch (StoreUnavailableException e) {
                    failed(consumer, e);
                    return false;
                }
                position = start;
            } else if (position != null && position < start) {
                long expired = start - storedPosition;
                LOG.log(System.Logger.Level.ERROR, () -> "event=click_records_expired_unread partition=" + tp.partition()
                        + " stored=" + stored.get(tp.partition()) + " logStart=" + start + " records=" + expired);
            }
            if (position == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, Math.max(position, start));
                next.put(tp, position);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        consumer.resume(assigned);
        needSeek = false;
        return true;
    }

    private void failed(Consumer<byte[], byte[]> consumer, StoreUnavailableException e) {
        backoffNanos = backoffNanos == 0 ? config.retryBackoff().toNanos()
                : Math.min(backoffNanos * 2, config.maxBackoff().toNanos());
        retryAt = System.nanoTime() + backoffNanos;
        needSeek = true;
        consumer.pause(consumer.assignment());
        metrics.clickBatchFailed(0, e);
        long pause = backoffNanos;
        LOG.log(System.Logger.Level.WARNING, () -> "event=click_consumer_ledger_unavailable retryInMs="
                + pause / 1_000_000 + " message=\"" + e.getMessage() + "\"");
    }

    /** One poll: per partition, the decodable records as events and the offsets they span as a range. */
    private void applyPoll(ConsumerRecords<byte[], byte[]> records) {
        List<Slice> slices = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            long from = next.getOrDefault(tp, list.getFirst().offset());
            List<ConsumerRecord<byte[], byte[]>> kept = list.stream().filter(r -> r.offset() >= from).toList();
            if (!kept.isEmpty()) {
                slices.add(decode(tp, kept, from));
            }
        }
        if (slices.isEmpty()) {
            return;
        }
        List<Click> events = new ArrayList<>(records.count());
        List<StreamRange> ranges = new ArrayList<>(slices.size());
        for (Slice s : slices) {
            s.records.forEach(d -> events.add(d.click));
            ranges.add(new StreamRange(config.stream(), s.tp.partition(), s.from, s.next));
        }
        long started = System.nanoTime();
        try {
            ClickLedger.Recorded done = ledger.record(events, ranges);
            recorded(done, Duration.ofNanos(System.nanoTime() - started));
            slices.forEach(s -> next.put(s.tp, s.next));
            // Only now: had the ledger failed, these records would be read and judged again.
            slices.forEach(s -> s.undecodable.forEach(u -> quarantine(u.record, u.cause)));
        } catch (ClickBatchRejectedException e) {
            // Find what the ledger refuses, one partition at a time, halving.
            for (Slice s : slices) {
                applyHalving(s.tp, s.records, s.from, s.next, false);
                next.put(s.tp, s.next);
                s.undecodable.forEach(u -> quarantine(u.record, u.cause));
            }
        }
    }

    /**
     * Applies {@code records} (offsets in [from, to)) of one partition, splitting a refused run in
     * halves until the refused record is alone; it is then set aside and its offset passed over.
     * Two refused halves in a row mean the ledger refuses far more than one record: the second is
     * set aside whole rather than tried record by record.
     *
     * @return whether the first attempt was refused
     */
    private boolean applyHalving(TopicPartition tp, List<Decoded> records, long from, long to, boolean siblingRefused) {
        StreamRange range = new StreamRange(config.stream(), tp.partition(), from, to);
        long started = System.nanoTime();
        try {
            recorded(ledger.record(records.stream().map(Decoded::click).toList(), List.of(range)),
                    Duration.ofNanos(System.nanoTime() - started));
            return false;
        } catch (ClickBatchRejectedException e) {
            if (records.size() <= 1 || siblingRefused) {
                for (Decoded d : records) {
                    quarantine(d.record, e);
                }
                ledger.record(List.of(), List.of(range));
                return true;
            }
            int half = records.size() / 2;
            long mid = records.get(half).record.offset();
            boolean leftRefused = applyHalving(tp, records.subList(0, half), from, mid, false);
            applyHalving(tp, records.subList(half, records.size()), mid, to, leftRefused);
            return true;
        }
    }

    private void recorded(ClickLedger.Recorded done, Duration took) {
        applied += done.events();
        metrics.clicksPersisted(done.events(), took);
        if (done.duplicates() > 0) {
            metrics.clickEventsDuplicated(done.duplicates());
        }
    }

    private void commitForTools(Consumer<byte[], byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        consumer.commitAsync(offsets, (committed, error) -> {
            // Only lag tools read these; the ledger's positions are what the consumer resumes from.
        });
    }

    private void updateLag(Consumer<byte[], byte[]> consumer) {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                // Never below 0: after a partition comes back, the cached high watermark can be
                // older than the position it is compared with.
                sum += Math.max(0, l.getAsLong());
            }
        }
        lag = sum;
    }

    // ---- poison records -----------------------------------------------------------------------

    private void quarantine(ConsumerRecord<byte[], byte[]> record, Exception cause) {
        String line = "{\"at\":\"" + Instant.now() + "\",\"stream\":\"" + config.stream() + "\",\"partition\":"
                + record.partition() + ",\"offset\":" + record.offset() + ",\"value\":\""
                + (record.value() == null ? "" : Base64.getEncoder().encodeToString(record.value()))
                + "\",\"cause\":\"" + jsonSafe(cause.getClass().getName() + ": " + cause.getMessage()) + "\"}\n";
        try {
            Files.createDirectories(config.quarantineFile().toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(config.quarantineFile(), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(false);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, () -> "event=click_record_quarantine_failed error=\"" + e.getMessage()
                    + "\" " + line.strip());
        }
        metrics.clicksQuarantined(1, cause);
        LOG.log(System.Logger.Level.WARNING, () -> "event=click_record_quarantined partition=" + record.partition()
                + " offset=" + record.offset() + " error=\"" + cause.getMessage() + "\"");
    }

    private static String jsonSafe(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** A record and the click it carries. */
    private record Decoded(ConsumerRecord<byte[], byte[]> record, Click click) {
    }

    /**
     * One partition's part of a poll: its decodable records, the ones that are not (set aside once
     * the range is applied; their offsets count as read), and the offsets [from, next) it spans.
     */
    private record Slice(TopicPartition tp, List<Decoded> records, List<Undecodable> undecodable, long from, long next) {
    }

    private record Undecodable(ConsumerRecord<byte[], byte[]> record, Exception cause) {
    }

    private static Slice decode(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records, long from) {
        List<Decoded> decoded = new ArrayList<>(records.size());
        List<Undecodable> undecodable = new ArrayList<>(0);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                decoded.add(new Decoded(r, ClickCodec.decode(Objects.requireNonNull(r.value(), "record value"))));
            } catch (IllegalArgumentException | NullPointerException e) {
                undecodable.add(new Undecodable(r, e));
            }
        }
        return new Slice(tp, decoded, undecodable, from, records.getLast().offset() + 1);
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** Stops reading (waking a poll in progress) and closes the Kafka consumer; bounded by about 10 s. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        Consumer<byte[], byte[]> c = current;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (!thread.join(Duration.ofSeconds(10))) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds a {@link ClickConsumer}. */
    public static final class Builder {
        private final ClickConsumerConfig config;
        private final ClickLedger ledger;
        private MetricsListener metrics = MetricsListener.noop();
        private Function<Properties, Consumer<byte[], byte[]>> consumers = KafkaConsumer::new;

        private Builder(ClickConsumerConfig config, ClickLedger ledger) {
            this.config = Objects.requireNonNull(config, "config");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        public Builder metrics(MetricsListener value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /** For tests: how the Kafka consumer is made from {@link #consumerProperties}. */
        Builder consumers(Function<Properties, Consumer<byte[], byte[]>> value) {
            this.consumers = Objects.requireNonNull(value, "consumers");
            return this;
        }

        /** Starts the consumer thread; it joins the group and seeks to the ledger's positions. */
        public ClickConsumer start() {
            ClickConsumer consumer = new ClickConsumer(this);
            consumer.thread.start();
            return consumer;
        }
    }
}
