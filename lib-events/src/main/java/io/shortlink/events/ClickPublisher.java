package io.shortlink.events;

import io.shortlink.core.Click;
import io.shortlink.core.ClickSink;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.Ticker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link ClickSink} that publishes clicks to Kafka (topic {@code clicks}, key = code, value =
 * {@link ClickCodec}), and spills them to a local {@link ClickSpill} whenever Kafka cannot take
 * them, replaying them, event ids unchanged, once it can.
 *
 * <pre>{@code
 * ClickPublisher clicks = ClickPublisher.builder(ClickPublisherConfig.defaults("127.0.0.1:19092"))
 *         .metrics(metrics)
 *         .start();
 * clicks.append(Click.of(code, now));                         // buffered: returns at once
 * clicks.appendAcknowledged(Click.of(code, now), timeout);    // acked: waits until Kafka or the disk has it
 * clicks.close();                                             // at shutdown: delivers or spills the rest
 * }</pre>
 *
 * <p><b>Request threads only enqueue.</b> {@code append} offers the click to a bounded queue and
 * returns; {@code KafkaProducer.send} (which can block for metadata or buffer space) and every
 * disk write happen on one platform thread, {@value #THREAD_NAME}. When redirects come faster
 * than that thread can hand clicks on, the queue fills and {@code append} waits for room, up to
 * {@link ClickPublisherConfig#offerTimeout()}: overload slows redirects down rather than losing
 * their clicks. Only past that wait, or with the spill full, does it refuse and count
 * ({@link MetricsListener#clickDropped()}).
 *
 * <p><b>Producer.</b> Idempotent ({@code enable.idempotence=true}, {@code acks=all}): a retry
 * inside the producer never writes a click twice. {@code delivery.timeout.ms} is short
 * ({@link ClickPublisherConfig#deliveryTimeout()}, 2 s): a click Kafka has not acknowledged by
 * then is spilled. An acknowledged append waits less: one Kafka has not answered within
 * {@link ClickPublisherConfig#ackSpillAfter()} (250 ms) is spilled and forced to disk at once,
 * and what follows is spilled until Kafka answers again, so an acknowledged redirect waits about
 * that long, plus one fsync, when the broker dies or stalls. Such a click may still reach Kafka;
 * then it is there twice, and the consumer's ledger keeps it once by its event id. Linger, batch size and compression are stated in
 * {@link #producerProperties} with the measurement behind them.
 *
 * <p><b>Spilling.</b> The first failure (a send that throws, or a callback with an error) puts
 * the publisher into spilling mode: new clicks and failed ones go to the spill, forced to disk
 * every {@link ClickPublisherConfig#spillSyncInterval()} and at once when an acknowledged append
 * waits. Every {@link ClickPublisherConfig#probeInterval()} the oldest spilled segment is sent
 * again; when Kafka acknowledges all of it, the segment is deleted and the publisher goes back to
 * sending directly, replaying the remaining segments meanwhile. A damaged spill record is skipped
 * and counted ({@link MetricsListener#spillDamaged}); a segment with a header it cannot read is
 * renamed {@code *.unreadable} and set aside.
 *
 * <p><b>Close.</b> Stops accepting, sends or spills what is queued, waits up to
 * {@link ClickPublisherConfig#closeTimeout()} for Kafka's acknowledgements, spills whatever is
 * left unacknowledged, forces the spill to disk and reports what it could neither deliver nor
 * spill through {@link MetricsListener#clicksUndelivered}. What is spilled is replayed by the
 * next publisher opened on the same directory.
 *
 * <p><b>A crash</b> ({@code kill -9}) loses what is queued, in the producer's buffer and not yet
 * synced to the spill: at most about {@code spillSyncInterval} plus the in-flight window of
 * clicks in buffered mode; nothing an acknowledged append returned {@link Ack#DURABLE} for.
 */
public final class ClickPublisher implements ClickSink {
    /** The name of the sender thread, as it shows in thread dumps. */
    public static final String THREAD_NAME = "shortlink-click-publisher";

    private static final System.Logger LOG = System.getLogger(ClickPublisher.class.getName());
    private static final int MAX_DRAIN = 4_096;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration RESTART_PAUSE = Duration.ofMillis(200);

    private final ClickPublisherConfig config;
    private final MetricsListener metrics;
    private final Ticker ticker;
    private final Producer<byte[], byte[]> producer;
    private final ClickSpill spill;
    private final Thread sender;

    /** Click, Acked or Barrier, from the request threads to the sender. */
    private final ArrayBlockingQueue<Object> queue;
    /** Clicks whose send failed in a producer callback, to be spilled by the sender. */
    private final ConcurrentLinkedQueue<Object> failed = new ConcurrentLinkedQueue<>();
    /** Acknowledged by Kafka, not yet reported to the metrics listener (the producer's I/O thread stays lean). */
    private final java.util.concurrent.atomic.LongAdder publishedSinceReport = new java.util.concurrent.atomic.LongAdder();
    /** Sends issued whose callback has not run yet. */
    private final AtomicLong inFlight = new AtomicLong();
    /** Spilled this run and not yet replayed; for the backlog. */
    private final AtomicLong spilledPending = new AtomicLong();
    private volatile long spillBytes;
    private volatile boolean spillFull;
    private volatile boolean closing;
    /** Mirrors {@link #spilling} for other threads. */
    private volatile boolean spillingNow;
    /** When the oldest click still in the spill was spilled (ticker); -1 when the spill is empty. */
    private volatile long spilledSince = -1;

    // Sender thread only.
    private boolean spilling;
    private long nextProbe;
    private long lastSync;
    private boolean unsynced;
    private boolean spilledSinceRoll;
    /** False only once a roll found no segment left: then there is nothing to replay. */
    private boolean spillHoldsRecords;
    private final List<Acked> awaitingSync = new ArrayList<>();
    /** Acknowledged appends sent to Kafka, oldest first, until answered or spilled. */
    private final java.util.ArrayDeque<Acked> awaitingKafka = new java.util.ArrayDeque<>();
    private final long ackSpillAfterNanos;
    private final List<Barrier> barriers = new ArrayList<>();
    private Replay replay;
    private long undelivered;

    private ClickPublisher(Builder b, Producer<byte[], byte[]> producer, ClickSpill spill) {
        this.config = b.config;
        this.metrics = b.metrics;
        this.ticker = b.ticker;
        this.producer = producer;
        this.spill = spill;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.ackSpillAfterNanos = config.ackSpillAfter().toNanos();
        this.spillBytes = spill.bytes();
        this.spillHoldsRecords = spill.bytes() > 0;
        if (spillHoldsRecords) {
            spilledSince = ticker.read();
        }
        // A platform thread: it blocks in send() and in fsync; keep that off the carriers.
        this.sender = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::runSupervised);
    }

    /** The one way to make a publisher. */
    public static Builder builder(ClickPublisherConfig config) {
        return new Builder(config);
    }

    /**
     * The producer settings, each for a reason.
     * <ul>
     * <li>{@code acks=all}, {@code enable.idempotence=true}: acknowledged means on every in-sync
     *     replica, and the producer's own retries never duplicate.</li>
     * <li>{@code linger.ms=0}, {@code batch.size=65536}, {@code compression.type=none}, by
     *     measurement ({@code KafkaPublisherBenchmark}, docs/perf/phase3.md, 2-core VM, broker on
     *     the same box, 2 forks x 5 iterations): an acknowledged append waits 0.28 ms on average
     *     with linger 0 (p99 0.67 ms, 16 threads) and 5.6 ms with linger 5 (21.5 ms at linger 20
     *     in a single-fork run), while throughput does not gain from lingering (2.1M clicks/s at
     *     0, 1.9M at 5, the raw producer 2.7-2.8M): with five requests in flight the producer
     *     batches whatever arrives meanwhile anyway. lz4 compression was slower (2.0M/s against
     *     2.8M/s, single-fork): 33 to 90 random-ish bytes per record compress poorly and the two
     *     cores, not the loopback network, are the limit.</li>
     * <li>{@code delivery.timeout.ms} short, {@code request.timeout.ms} below it: see the class
     *     comment. {@code max.block.ms=200}: a send() blocks the sender thread, never a request
     *     thread, and no longer than the queue can absorb.</li>
     * </ul>
     */
    static Properties producerProperties(ClickPublisherConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shortlink-click-publisher");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        long delivery = config.deliveryTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(100, delivery - 100)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "200");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(config.producer());
        return p;
    }

    // ---- request threads --------------------------------------------------------------------

    @Override
    public boolean append(Click click) {
        Objects.requireNonNull(click, "click");
        return enqueue(click);
    }

    @Override
    public Ack appendAcknowledged(Click click, Duration timeout) throws InterruptedException {
        Acked acked = new Acked(click);
        if (!enqueue(acked)) {
            return Ack.REFUSED;
        }
        try {
            return acked.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            metrics.clickAckTimedOut();
            return Ack.PENDING;
        } catch (ExecutionException e) {
            return Ack.PENDING;
        }
    }

    private boolean enqueue(Object item) {
        boolean accepted = !closing && !(spillFull && spillingNow) && (queue.offer(item) || offerWaiting(item));
        if (accepted) {
            metrics.clickAccepted();
        } else {
            metrics.clickDropped();
        }
        return accepted;
    }

    /** Backpressure: the queue is full, so wait (parking this virtual thread) for room. */
    private boolean offerWaiting(Object item) {
        try {
            return queue.offer(item, config.offerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until every click accepted before this call is acknowledged by Kafka or forced to the
     * spill. Blocks the caller (a barrier travels through the queue); meant for tests and shutdown.
     */
    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        Barrier barrier = new Barrier();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!queue.offer(barrier, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            barrier.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    @Override
    public Backlog backlog() {
        long clicks = queue.size() + inFlight.get() + spilledPending.get();
        if (clicks == 0) {
            return Backlog.NONE;
        }
        long since = spilledSince;
        return new Backlog(clicks, since < 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, ticker.read() - since)));
    }

    /** Bytes in the spill directory (all segments), as the sender last saw them; for a gauge. */
    public long spillBytes() {
        return spillBytes;
    }

    /** Whether clicks are going to the spill rather than straight to Kafka now. */
    public boolean isSpilling() {
        return spillingNow;
    }

    // ---- the sender thread ------------------------------------------------------------------

    private void runSupervised() {
        while (true) {
            try {
                sendLoop();
                return;
            } catch (Throwable t) {
                metrics.workerRestarted(THREAD_NAME, t);
                LOG.log(System.Logger.Level.ERROR, "event=worker_restarted thread=" + THREAD_NAME, t);
                if (closing && queue.isEmpty()) {
                    return;
                }
                try {
                    Thread.sleep(RESTART_PAUSE);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sendLoop() throws IOException, InterruptedException {
        List<Object> batch = new ArrayList<>(MAX_DRAIN);
        while (true) {
            reportPublished();
            spillFailed();
            long now = ticker.read();
            spillOverdueAcks(now);
            finishReplayIfDone(now);
            if (replay == null) {
                replayIfDue(now);
            }
            syncIfDue(now);
            if (closing && queue.isEmpty()) {
                return;
            }
            Object first = queue.poll(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS);
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_DRAIN - 1);
            for (Object item : batch) {
                if (item instanceof Barrier barrier) {
                    barrier(barrier);
                } else if (spilling) {
                    spillOne(item);
                } else {
                    sendOne(item);
                }
            }
            batch.clear();
        }
    }

    /**
     * Waits, at most {@code deliveryTimeout}, until the producer knows the topic's partitions, so
     * that the first clicks do not wait for that (a fresh producer needs a few hundred
     * milliseconds to connect and fetch metadata, and a send blocks for it). Called by
     * {@link Builder#start()} before the sender starts: a server opens its publisher before it
     * listens. With Kafka away it gives up, says so once, and the first sends spill.
     */
    private void awaitMetadata() {
        long deadline = System.nanoTime() + config.deliveryTimeout().toNanos();
        KafkaException last = null;
        do {
            try {
                producer.partitionsFor(config.topic());   // returns once the topic's metadata is in
                return;
            } catch (KafkaException e) {
                last = e;   // each call waits max.block.ms (200 ms) at most
            }
        } while (System.nanoTime() - deadline < 0);
        String error = last == null ? "" : last.getMessage();
        LOG.log(System.Logger.Level.WARNING, () -> "event=click_publisher_no_metadata topic=" + config.topic()
                + " waitedMs=" + config.deliveryTimeout().toMillis() + " error=\"" + error + "\"");
    }

    private void reportPublished() {
        long n = publishedSinceReport.sumThenReset();
        if (n > 0) {
            metrics.clicksPublished(n);
        }
    }

    private void sendOne(Object item) {
        Click click = clickOf(item);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.topic(),
                ClickCodec.encodeKey(click.code()), ClickCodec.encode(click));
        inFlight.incrementAndGet();
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(record, (metadata, error) -> {
                // On the producer's I/O thread (or in send() itself, see below): complete or
                // hand back, nothing slow.
                inFlight.decrementAndGet();
                if (error == null) {
                    publishedSinceReport.increment();
                    if (item instanceof Acked acked) {
                        acked.done.complete(Ack.DURABLE);
                    }
                } else {
                    failed.add(item);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            inFlight.decrementAndGet();
            startSpilling(e.getClass().getSimpleName() + " message=\"" + e.getMessage() + "\"");
            spillOne(item);
            return;
        }
        if (item instanceof Acked acked) {
            acked.sentAt = ticker.read();
            awaitingKafka.addLast(acked);
        }
        if (sent.isDone()) {
            // Failed inside send(): no metadata or no buffer space within max.block.ms. Kafka
            // reports that through the callback, already run, not by throwing. Every further
            // send of this batch would wait max.block.ms too: spill from here on.
            spillFailed();
        }
    }

    private void spillFailed() {
        Object item;
        boolean any = false;
        while ((item = failed.poll()) != null) {
            if (!any) {
                startSpilling("delivery_failed");
                any = true;
            }
            spillOne(item);
        }
    }

    /**
     * An acknowledged append Kafka has not answered within {@code ackSpillAfter} is spilled as
     * well, so that its appender waits for one fsync rather than for {@code delivery.timeout.ms};
     * and since Kafka is slow or away, what follows is spilled too until a probe gets through.
     * If Kafka takes the click after all, it is in both places; the ledger keeps it once.
     */
    private void spillOverdueAcks(long now) {
        Acked head;
        while ((head = awaitingKafka.peekFirst()) != null) {
            if (head.done.isDone() || head.spilled) {
                awaitingKafka.pollFirst();
                continue;
            }
            if (now - head.sentAt < ackSpillAfterNanos) {
                return;
            }
            awaitingKafka.pollFirst();
            startSpilling("ack_overdue afterMs=" + config.ackSpillAfter().toMillis());
            spillOne(head);
        }
    }

    private void startSpilling(String reason) {
        if (!spilling) {
            spilling = true;
            spillingNow = true;
            nextProbe = ticker.read() + config.probeInterval().toNanos();
            LOG.log(System.Logger.Level.WARNING, () -> "event=click_publisher_spilling topic=" + config.topic()
                    + " reason=" + reason);
        }
    }

    private void spillOne(Object item) {
        if (item instanceof Acked acked) {
            if (acked.spilled) {
                // Spilled already when Kafka was slow to answer; now Kafka has failed it: done.
                return;
            }
            acked.spilled = true;
        }
        Click click = clickOf(item);
        boolean kept;
        try {
            kept = spill.append(click);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the click spill " + config.spillDir(), e);
        }
        spillBytes = spill.bytes();
        if (!kept) {
            spillFull = true;
            undelivered++;
            metrics.clicksUndelivered(1);
            if (item instanceof Acked acked) {
                acked.done.complete(Ack.REFUSED);
            }
            return;
        }
        unsynced = true;
        spilledSinceRoll = true;
        spillHoldsRecords = true;
        if (spilledPending.getAndIncrement() == 0 && spilledSince < 0) {
            spilledSince = ticker.read();
        }
        metrics.clicksSpilled(1);
        if (item instanceof Acked acked) {
            awaitingSync.add(acked);
        }
    }

    private void syncIfDue(long now) throws IOException {
        if (!unsynced) {
            return;
        }
        if (awaitingSync.isEmpty() && now - lastSync < config.spillSyncInterval().toNanos()) {
            return;
        }
        spill.sync();
        unsynced = false;
        lastSync = now;
        for (Acked acked : awaitingSync) {
            acked.done.complete(Ack.DURABLE);
        }
        awaitingSync.clear();
    }

    /** Replays the oldest spilled segment when it is time: at once when sending directly, every probe interval while spilling. */
    private void replayIfDue(long now) throws IOException {
        if (!spillHoldsRecords || spilling && now - nextProbe < 0) {
            return;
        }
        if (spilledSinceRoll) {
            spill.roll();
            spilledSinceRoll = false;
        }
        List<Path> segments = spill.sealedSegments();
        if (segments.isEmpty()) {
            spillHoldsRecords = false;
            spilledSince = -1;
            if (spilling) {
                stopSpilling();
            }
            return;
        }
        Path segment = segments.getFirst();
        SegmentRead read;
        try {
            read = ClickSpill.read(segment);
        } catch (IOException e) {
            setAsideUnreadable(segment, e);
            return;
        }
        if (read.corruptRegions() > 0 || read.tornTail()) {
            metrics.spillDamaged(read.corruptRegions(), read.skippedBytes(), read.tornTail());
            LOG.log(System.Logger.Level.WARNING, () -> "event=click_spill_damaged segment=" + segment.getFileName()
                    + " corruptRegions=" + read.corruptRegions() + " skippedBytes=" + read.skippedBytes()
                    + " tornTail=" + read.tornTail() + " intact=" + read.clicks().size());
        }
        Replay r = new Replay(segment, read.clicks().size());
        replay = r;
        for (Click click : read.clicks()) {
            try {
                producer.send(new ProducerRecord<>(config.topic(), ClickCodec.encodeKey(click.code()),
                        ClickCodec.encode(click)), (metadata, error) -> r.answered(error == null));
            } catch (KafkaException | IllegalStateException e) {
                r.abandon(read.clicks().size() - r.sent);
                break;
            }
            r.sent++;
            if (r.failed.get()) {
                // Kafka refused inside send() (no metadata within max.block.ms: the broker is
                // away). One such wait per probe is the probe; the rest of the segment waits for
                // the next one rather than costing max.block.ms a click.
                r.abandon(read.clicks().size() - r.sent);
                break;
            }
        }
        finishReplayIfDone(now);
    }

    private void finishReplayIfDone(long now) throws IOException {
        Replay r = replay;
        if (r == null || !r.isDone()) {
            return;
        }
        replay = null;
        if (r.failed.get()) {
            startSpilling("replay_failed");
            nextProbe = now + config.probeInterval().toNanos();
            return;
        }
        spill.delete(r.segment);
        spillBytes = spill.bytes();
        spillFull = false;
        spilledPending.getAndUpdate(n -> Math.max(0, n - r.total));
        metrics.clicksReplayed(r.total);
        LOG.log(System.Logger.Level.INFO, () -> "event=click_spill_replayed segment=" + r.segment.getFileName()
                + " clicks=" + r.total);
        if (spilling) {
            stopSpilling();
        }
    }

    private void stopSpilling() {
        spilling = false;
        spillingNow = false;
        LOG.log(System.Logger.Level.INFO, () -> "event=click_publisher_direct topic=" + config.topic());
    }

    private void setAsideUnreadable(Path segment, IOException cause) throws IOException {
        Path aside = segment.resolveSibling(segment.getFileName() + ".unreadable");
        spill.delete(segment);
        LOG.log(System.Logger.Level.ERROR, () -> "event=click_spill_unreadable segment=" + segment.getFileName()
                + " setAside=" + aside.getFileName() + " error=\"" + cause.getMessage() + "\"");
        metrics.spillDamaged(1, 0, false);
        if (Files.exists(segment)) {
            Files.move(segment, aside);
        }
    }

    private void barrier(Barrier barrier) throws IOException {
        // Everything sent before the barrier is acknowledged or failed after flush(); failed ones
        // are spilled, and the spill forced to disk: then the barrier's promise holds.
        producer.flush();
        reportPublished();
        spillFailed();
        if (unsynced) {
            spill.sync();
            unsynced = false;
            lastSync = ticker.read();
            awaitingSync.forEach(a -> a.done.complete(Ack.DURABLE));
            awaitingSync.clear();
        }
        barrier.done.complete(null);
    }

    private static Click clickOf(Object item) {
        return item instanceof Acked acked ? acked.click : (Click) item;
    }

    // ---- close --------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        try {
            sender.join(config.closeTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long leftInQueue = 0;
        boolean stuck = false;
        try {
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(Duration.ofSeconds(1));
            }
            if (sender.isAlive()) {
                // The spill has one owner; a sender that will not stop still owns it.
                LOG.log(System.Logger.Level.ERROR, () -> "event=click_publisher_close_stuck thread=" + THREAD_NAME
                        + " queued=" + queue.size() + " inFlight=" + inFlight.get());
                metrics.clicksUndelivered(queue.size() + inFlight.get());
                stuck = true;
                return;
            }
            // The sender has stopped: finish here. Wait for the producer's answers, then spill what
            // is still unanswered or failed; a click can be in both Kafka and the spill, never in neither.
            producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            reportPublished();
            spillFailed();
            Object item;
            while ((item = queue.poll()) != null) {
                if (!(item instanceof Barrier)) {
                    spillOne(item);
                    leftInQueue++;
                }
            }
            spill.sync();
            awaitingSync.forEach(a -> a.done.complete(Ack.DURABLE));
        } catch (IOException | RuntimeException | InterruptedException e) {
            LOG.log(System.Logger.Level.ERROR, "event=click_publisher_close_failed", e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (!stuck) {
                try {
                    spill.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.ERROR, "event=click_spill_close_failed", e);
                }
            }
        }
        long lost = undelivered + inFlight.get();
        if (inFlight.get() > 0) {
            metrics.clicksUndelivered(inFlight.get());
        }
        long queued = leftInQueue;
        LOG.log(lost > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO, () -> "event=click_publisher_closed"
                + " undelivered=" + lost + " spilledAtClose=" + queued + " spillBytes=" + spillBytes);
    }

    // ---- small types --------------------------------------------------------------------------

    /** A click whose appender waits for it to be durable. */
    private static final class Acked {
        final Click click;
        final CompletableFuture<Ack> done = new CompletableFuture<>();
        // Sender thread only.
        /** When it was handed to the producer (ticker). */
        long sentAt;
        /** Written to the spill (once at most, whatever Kafka answers later). */
        boolean spilled;

        Acked(Click click) {
            this.click = click;
        }
    }

    private static final class Barrier {
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    /** A spilled segment being sent again; deleted once Kafka has acknowledged every click in it. */
    private static final class Replay {
        final Path segment;
        final int total;
        final AtomicInteger unanswered;
        final java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        int sent;

        Replay(Path segment, int total) {
            this.segment = segment;
            this.total = total;
            this.unanswered = new AtomicInteger(total);
        }

        void answered(boolean ok) {
            if (!ok) {
                failed.set(true);
            }
            unanswered.decrementAndGet();
        }

        void abandon(int neverSent) {
            failed.set(true);
            unanswered.addAndGet(-neverSent);
        }

        boolean isDone() {
            return unanswered.get() <= 0;
        }
    }

    /** Builds a {@link ClickPublisher}. */
    public static final class Builder {
        private final ClickPublisherConfig config;
        private MetricsListener metrics = MetricsListener.noop();
        private Ticker ticker = Ticker.system();
        private Function<Properties, Producer<byte[], byte[]>> producers = KafkaProducer::new;

        private Builder(ClickPublisherConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder metrics(MetricsListener value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /** The monotonic time source for sync and probe intervals; {@link Ticker#system()} by default. */
        public Builder ticker(Ticker value) {
            this.ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** For tests: how the Kafka producer is made from {@link #producerProperties}. */
        Builder producers(Function<Properties, Producer<byte[], byte[]>> value) {
            this.producers = Objects.requireNonNull(value, "producers");
            return this;
        }

        /**
         * Opens the spill (failing if another publisher holds its directory), creates the
         * producer and starts the sender thread, which first replays what an earlier run spilled.
         *
         * @throws UncheckedIOException if the spill cannot be opened
         */
        public ClickPublisher start() {
            ClickSpill spill;
            try {
                spill = ClickSpill.open(config.spillDir(), config.spill());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the click spill " + config.spillDir(), e);
            }
            Producer<byte[], byte[]> producer;
            try {
                producer = producers.apply(producerProperties(config));
            } catch (RuntimeException e) {
                try {
                    spill.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            ClickPublisher publisher = new ClickPublisher(this, producer, spill);
            publisher.awaitMetadata();
            publisher.sender.start();
            return publisher;
        }
    }
}
