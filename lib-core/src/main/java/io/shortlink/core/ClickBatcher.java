package io.shortlink.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ClickSink} that collects clicks in memory and applies them to a {@link ClickLedger}
 * in batches, from one background thread: the shape of Kafka's {@code RecordAccumulator} and
 * {@code Sender}.
 *
 * <pre>{@code
 * ClickBatcher clicks = ClickBatcher.start(ledger, ClickBatcherConfig.defaults(),
 *         InstantSource.system(), metrics);
 * clicks.append(Click.of(code, now));   // on the redirect path: returns at once
 * clicks.close();                       // at shutdown: delivers what it can, reports the rest
 * }</pre>
 *
 * <p><b>Sending.</b> Callers only append to a bounded buffer under a short lock. One platform
 * daemon thread, {@value #THREAD_NAME}, hands the ledger batches of at most
 * {@link ClickBatcherConfig#batchSize() batchSize} clicks, in the order they were accepted, as
 * soon as a batch is full, or the oldest buffered click has waited
 * {@link ClickBatcherConfig#linger() linger} (by the injected clock), or a {@link #flush} or
 * {@link #close} is under way.
 *
 * <p><b>Overflow policy: refuse and count.</b> At most {@link ClickBatcherConfig#capacity()
 * capacity} clicks are held, including a batch in flight or waiting for its retry. An append
 * beyond that, or after {@link #close()} began, returns {@code false} and reports
 * {@link MetricsListener#clickDropped()}. It never waits for room: a slow or failing ledger can
 * cost clicks, never redirect latency.
 *
 * <p><b>Failures.</b> A ledger that throws has applied nothing (its contract), so the batch
 * stays at the head of the buffer and is retried, unchanged, after a pause that starts at
 * {@link ClickBatcherConfig#retryBackoff() retryBackoff} and doubles up to
 * {@link ClickBatcherConfig#maxBackoff() maxBackoff}. Later clicks wait behind it: the batcher
 * neither loses, duplicates nor reorders clicks.
 *
 * <p><b>Close.</b> Stops accepting, keeps sending for at most
 * {@link ClickBatcherConfig#closeTimeout() closeTimeout} of wall time, stops the thread and
 * reports what it could not deliver through {@link MetricsListener#clicksUndelivered(long)} and
 * one log line. The thread is a daemon, so a batcher that is never closed loses its buffer at
 * JVM exit: close it on shutdown.
 *
 * <p>Thread-safe.
 */
public final class ClickBatcher implements ClickSink {
    /** The name of the drain thread, as it shows in thread dumps. */
    public static final String THREAD_NAME = "shortlink-click-batcher";

    private static final System.Logger LOG = System.getLogger(ClickBatcher.class.getName());
    /** What {@link #nanosUntilReady} answers when only a signal can make a batch ready. */
    private static final long UNTIL_SIGNALLED = -1;
    /**
     * How long {@link #close()}, once its timeout is spent, waits for a ledger call already in
     * flight to return before it gives up on the thread. That batch is then counted undelivered,
     * even if the call later succeeds: over-reporting beats a close that hangs on the database.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final ClickLedger ledger;
    private final ClickBatcherConfig config;
    private final InstantSource clock;
    private final MetricsListener metrics;
    /** {@code null} for a batcher made by {@link #unstarted}. */
    private final Thread drainer;

    private final ReentrantLock lock = new ReentrantLock();
    /** The drain thread waits on it; signalled when it may have become ready to send. */
    private final Condition workArrived = lock.newCondition();
    /** Flush and close wait on it; signalled when clicks were applied or the batcher closed. */
    private final Condition progressMade = lock.newCondition();

    // Everything below is guarded by lock.
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    /** Accepted and not yet applied, the batch in flight included: what capacity bounds. */
    private int buffered;
    /** Clicks accepted and applied since start; applied is always a prefix of accepted. */
    private long acceptedSeq;
    private long appliedSeq;
    private int flushWaiters;
    private boolean closing;
    private boolean stopping;
    private boolean closed;
    /** The pause after the last failure; {@code null} while the ledger is healthy. */
    private Duration backoff;
    private Instant retryAt;

    private ClickBatcher(ClickLedger ledger, ClickBatcherConfig config, InstantSource clock,
                         MetricsListener metrics, boolean withThread) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        // A platform thread: the drain thread blocks in JDBC for most of its life, and a
        // dedicated thread keeps it off the carriers the redirect virtual threads run on.
        this.drainer = withThread
                ? Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::drainLoop)
                : null;
    }

    /** A batcher whose drain thread is running; {@link #close()} it on shutdown. */
    public static ClickBatcher start(ClickLedger ledger, ClickBatcherConfig config, InstantSource clock,
                                     MetricsListener metrics) {
        ClickBatcher batcher = new ClickBatcher(ledger, config, clock, metrics, true);
        batcher.drainer.start();
        return batcher;
    }

    /**
     * A batcher without a drain thread, for tests: they call {@link #sendIfReady()} themselves,
     * and {@link #close()} drains in the caller's thread.
     */
    static ClickBatcher unstarted(ClickLedger ledger, ClickBatcherConfig config, InstantSource clock,
                                  MetricsListener metrics) {
        return new ClickBatcher(ledger, config, clock, metrics, false);
    }

    @Override
    public boolean append(Click click) {
        Objects.requireNonNull(click, "click");
        boolean accepted;
        lock.lock();
        try {
            accepted = !closing && buffered < config.capacity();
            if (accepted) {
                addLocked(click);
            }
        } finally {
            lock.unlock();
        }
        if (accepted) {
            metrics.clickAccepted();
        } else {
            metrics.clickDropped();
        }
        return accepted;
    }

    private void addLocked(Click click) {
        Batch tail = batches.peekLast();
        if (tail == null || tail.sealed || tail.size() >= config.batchSize()) {
            boolean wasEmpty = tail == null;
            tail = new Batch(clock.instant(), config.batchSize());
            batches.addLast(tail);
            if (wasEmpty) {
                // The drain thread may be waiting without a deadline; the linger clock runs now.
                workArrived.signal();
            }
        }
        tail.add(click);
        buffered++;
        acceptedSeq++;
        if (tail.size() == config.batchSize()) {
            // Once per batch, not per click: a signal costs an unpark of the drain thread.
            workArrived.signal();
        }
    }

    /**
     * Whether the head batch should go to the ledger now. Caller holds the lock.
     */
    private boolean readyToSend(Instant now) {
        Batch head = batches.peekFirst();
        if (head == null || backingOff(now)) {
            return false;
        }
        return head.size() >= config.batchSize()
                || lingered(head, now)
                || closing
                || flushWaiters > 0
                || head.attempts > 0;
    }

    private boolean lingered(Batch batch, Instant now) {
        return !now.isBefore(batch.createdAt.plus(config.linger()));
    }

    private boolean backingOff(Instant now) {
        return retryAt != null && now.isBefore(retryAt);
    }

    /**
     * How long, by the clock, until {@link #readyToSend} turns true without a signal, in
     * nanoseconds (at least 1), or {@link #UNTIL_SIGNALLED}. Caller holds the lock.
     */
    private long nanosUntilReady(Instant now) {
        Batch head = batches.peekFirst();
        if (head == null) {
            return UNTIL_SIGNALLED;
        }
        Instant due = backingOff(now) ? retryAt : head.createdAt.plus(config.linger());
        return Math.max(1, TimeUnit.NANOSECONDS.convert(Duration.between(now, due)));
    }

    /**
     * Hands the head batch to the ledger if {@link #readyToSend} says so. Called by one thread at a
     * time: the drain thread, or a test driving an {@link #unstarted} batcher.
     *
     * @return whether a batch was handed to the ledger, whether or not the ledger took it
     */
    boolean sendIfReady() {
        Batch batch;
        lock.lock();
        try {
            if (!readyToSend(clock.instant())) {
                return false;
            }
            batch = batches.pollFirst();
            batch.sealed = true;
        } finally {
            lock.unlock();
        }
        send(batch);
        return true;
    }

    private void send(Batch batch) {
        long started = System.nanoTime();
        try {
            ledger.apply(batch.clicks());
        } catch (RuntimeException e) {
            retryLater(batch, e);
            return;
        } catch (Error e) {
            // Not an answer from the ledger but a broken JVM: keep the clicks so close() counts them.
            putBack(batch);
            throw e;
        }
        applied(batch, Duration.ofNanos(System.nanoTime() - started));
    }

    private void applied(Batch batch, Duration took) {
        int failedAttempts = batch.attempts;
        lock.lock();
        try {
            buffered -= batch.size();
            appliedSeq += batch.size();
            backoff = null;
            retryAt = null;
            progressMade.signalAll();
        } finally {
            lock.unlock();
        }
        metrics.clicksPersisted(batch.size(), took);
        if (failedAttempts > 0) {
            LOG.log(System.Logger.Level.INFO, () -> "click batch applied after retries clicks=" + batch.size()
                    + " failedAttempts=" + failedAttempts);
        }
    }

    private void retryLater(Batch batch, RuntimeException cause) {
        Duration pause;
        lock.lock();
        try {
            batch.attempts++;
            backoff = backoff == null ? config.retryBackoff() : min(backoff.multipliedBy(2), config.maxBackoff());
            retryAt = clock.instant().plus(backoff);
            pause = backoff;
            batches.addFirst(batch);
        } finally {
            lock.unlock();
        }
        metrics.clickBatchFailed(batch.size(), cause);
        // One line per failure; failures come at most once per backoff step, so an outage logs
        // at most one line per maxBackoff, and never a stack trace.
        int attempt = batch.attempts;
        LOG.log(System.Logger.Level.WARNING, () -> "click batch failed clicks=" + batch.size()
                + " attempt=" + attempt + " retryInMs=" + pause.toMillis()
                + " error=" + cause.getClass().getSimpleName() + " message=\"" + cause.getMessage() + "\"");
    }

    private void putBack(Batch batch) {
        lock.lock();
        try {
            batches.addFirst(batch);
        } finally {
            lock.unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void drainLoop() {
        while (awaitReady()) {
            sendIfReady();
        }
    }

    /** Waits until a batch is ready to send; {@code false} once the batcher is stopping. */
    private boolean awaitReady() {
        lock.lock();
        try {
            while (!stopping) {
                Instant now = clock.instant();
                if (readyToSend(now)) {
                    return true;
                }
                long nanos = nanosUntilReady(now);
                try {
                    if (nanos == UNTIL_SIGNALLED) {
                        workArrived.await();
                    } else {
                        workArrived.awaitNanos(nanos);
                    }
                } catch (InterruptedException e) {
                    // Only close() interrupts this thread, after setting stopping; the loop sees it.
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every click accepted before this call has been applied. A batcher made by
     * {@link #unstarted} has no thread to apply them, so there it only waits.
     */
    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long target = acceptedSeq;
            if (appliedSeq >= target) {
                return true;
            }
            flushWaiters++;
            workArrived.signal();
            try {
                long nanosLeft = TimeUnit.NANOSECONDS.convert(timeout);
                while (appliedSeq < target && !closed) {
                    if (nanosLeft <= 0) {
                        return false;
                    }
                    nanosLeft = progressMade.awaitNanos(nanosLeft);
                }
                return appliedSeq >= target;
            } finally {
                flushWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        if (drainer == null) {
            drainInCaller(deadline);
        } else {
            awaitDrained(deadline);
        }
        stopDrainer();
        reportUndelivered();
    }

    /** Same rules as the drain thread, backoff included, but in the caller's thread. */
    private void drainInCaller(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            if (sendIfReady()) {
                continue;
            }
            lock.lock();
            try {
                if (buffered == 0) {
                    return;
                }
                long untilReady = nanosUntilReady(clock.instant());
                long untilDeadline = deadline - System.nanoTime();
                workArrived.awaitNanos(untilReady == UNTIL_SIGNALLED ? untilDeadline : Math.min(untilReady, untilDeadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void awaitDrained(long deadline) {
        lock.lock();
        try {
            while (buffered > 0) {
                long nanosLeft = deadline - System.nanoTime();
                if (nanosLeft <= 0) {
                    return;
                }
                progressMade.awaitNanos(nanosLeft);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void stopDrainer() {
        lock.lock();
        try {
            stopping = true;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (drainer == null) {
            return;
        }
        try {
            if (!drainer.join(STOP_GRACE)) {
                drainer.interrupt();
                LOG.log(System.Logger.Level.WARNING, () -> "click batcher stopped with a ledger call in flight thread="
                        + THREAD_NAME + " graceMs=" + STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportUndelivered() {
        int undelivered;
        lock.lock();
        try {
            closed = true;
            undelivered = buffered;
            progressMade.signalAll();
        } finally {
            lock.unlock();
        }
        if (undelivered > 0) {
            metrics.clicksUndelivered(undelivered);
            LOG.log(System.Logger.Level.WARNING, () -> "click batcher closed undelivered=" + undelivered
                    + " closeTimeoutMs=" + config.closeTimeout().toMillis());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "click batcher closed undelivered=0");
        }
    }

    /** Clicks accepted and not yet applied, a batch in flight included; for a gauge. */
    public int buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Clicks that travel to the ledger together. Sealed when first handed over, so appends start
     * a new batch and a batch in flight or waiting for its retry never changes.
     */
    private static final class Batch {
        /** When its first, oldest click was appended, by the batcher's clock. */
        final Instant createdAt;
        private final ArrayList<Click> clicks;
        private final List<Click> view;
        boolean sealed;
        int attempts;

        Batch(Instant createdAt, int batchSize) {
            this.createdAt = createdAt;
            // Not batchSize: a lingering batch is often small, and batchSize may be large.
            this.clicks = new ArrayList<>(Math.min(batchSize, 64));
            this.view = Collections.unmodifiableList(clicks);
        }

        void add(Click click) {
            clicks.add(click);
        }

        int size() {
            return clicks.size();
        }

        /** Read-only, so a ledger cannot change the batch it may be handed again. */
        List<Click> clicks() {
            return view;
        }
    }
}
