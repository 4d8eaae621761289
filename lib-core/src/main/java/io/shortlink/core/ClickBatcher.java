package io.shortlink.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ClickSink} that folds clicks in memory into one count per (link, minute) and applies
 * those counts to a {@link ClickLedger} from one background thread, exactly once: the shape of
 * Kafka's {@code RecordAccumulator} and {@code Sender}, with the records merged as they arrive.
 *
 * <pre>{@code
 * ClickBatcher clicks = ClickBatcher.builder(ledger)
 *         .config(ClickBatcherConfig.defaults())
 *         .metrics(metrics)
 *         .quarantine(ClickQuarantine.toFile(Path.of("data/quarantine/clicks.jsonl")))
 *         .start();
 * clicks.append(Click.of(code, now));   // on the redirect path: returns at once
 * clicks.close();                       // at shutdown: delivers what it can, reports the rest
 * }</pre>
 *
 * <p><b>Folding.</b> An append adds one to the count of its key, the click's link and the minute
 * it happened in (by the click's own time), under a short lock; a new key costs one small node,
 * a known key nothing. So memory grows with the distinct keys waiting, not with the clicks: a
 * backlog of a million clicks on a thousand links in one minute is a thousand counts. Per-click
 * event ids are not kept (the ledger keeps counts); the Kafka path of lib-events keeps them.
 *
 * <p><b>Sending.</b> One platform daemon thread, {@value #THREAD_NAME}, takes every waiting count
 * at once when the oldest waiting click has lingered {@link ClickBatcherConfig#linger()}, or
 * {@link ClickBatcherConfig#batchKeys()} keys are waiting, or a {@link #flush} or {@link #close}
 * is under way; it sorts them by code and minute and hands them to the ledger as
 * {@link ClickBatch}es of at most {@code batchKeys} counts, each under a fresh time-ordered id.
 * While the ledger is slow the next batch simply folds more clicks into its counts, so a backlog
 * makes batches denser rather than longer. For the same reason the linger stretches under load:
 * the sender waits at least {@value #LEDGER_SHARE} times as long as the last batch took to apply,
 * at most {@value #MAX_LINGER_STRETCH} times the linger, so the ledger's writes take about
 * 1/{@value #LEDGER_SHARE} of the time whatever the click rate (a batch costs per key, not per
 * click, and a busy link folds ten times more clicks into a row ten times rarer written). At a
 * low rate the linger is as configured.
 *
 * <p><b>Failures.</b> {@link StoreUnavailableException}: the batch stays at the head and is
 * retried, with its id, after a pause that starts at {@link ClickBatcherConfig#retryBackoff()}
 * and doubles up to {@link ClickBatcherConfig#maxBackoff()}; the ledger skips an id it has
 * applied, so a retry after a lost commit acknowledgement counts nothing twice.
 * {@link ClickBatchRejectedException} or any other runtime exception (the ledger refuses the
 * batch for good): the batch is split in halves, each under a new id (a refused batch was not
 * applied, so nothing can be counted twice), and the halves are tried in turn, halving again
 * whatever is refused, until each refused count is alone; it is set aside in the
 * {@link ClickQuarantine}, counted through {@link MetricsListener#clicksQuarantined} and logged
 * once with its cause. A few bad counts among thousands cost a few dozen transactions. The
 * search has a budget, {@value #REFUSAL_BUDGET_PER_LEVEL} attempts per halving level of the
 * first refused batch (about 100 for 5,000 counts): a ledger that refuses everything does not
 * get 10,000 transactions, and what is still unresolved when the budget is spent is set aside
 * whole. Each count is applied once or set aside once, never both, never twice; clicks behind a
 * refused batch wait only for the search.
 *
 * <p><b>Supervision.</b> An {@link Error} thrown on the sender thread (from the ledger, say) is
 * logged with its stack trace, reported through {@link MetricsListener#workerRestarted}, and the
 * sending loop starts again after a pause; the batch it was sending is kept. A batch that throws
 * an Error {@value #ERRORS_BEFORE_REFUSAL} times is treated as refused.
 *
 * <p><b>Overflow policy: refuse and count.</b> At most {@link ClickBatcherConfig#maxKeys()} keys
 * are held, batches in flight or waiting for a retry included. A click that would add a key
 * beyond that, or any click after {@link #close()} began, is refused: {@code append} returns
 * {@code false} and reports {@link MetricsListener#clickDropped()}. It never waits for room.
 *
 * <p><b>Close.</b> Stops accepting, keeps sending for at most
 * {@link ClickBatcherConfig#closeTimeout()}, stops the thread and reports what it could not
 * deliver through {@link MetricsListener#clicksUndelivered(long)} and one log line. A crash or
 * {@code kill -9} loses what is held: normally the last linger window, during a ledger outage
 * everything since it began. Clicks that must survive a crash go through lib-events' Kafka sink.
 *
 * <p>Intervals (linger, backoff, ages) are read from a monotonic {@link Ticker}, never the wall
 * clock. Thread-safe.
 */
public final class ClickBatcher implements ClickSink {
    /** The name of the sender thread, as it shows in thread dumps. */
    public static final String THREAD_NAME = "shortlink-click-batcher";
    static final int ERRORS_BEFORE_REFUSAL = 3;
    /** Attempts a refused batch's search may make, per halving level (log2 of its counts, rounded up). */
    static final int REFUSAL_BUDGET_PER_LEVEL = 8;

    private static final System.Logger LOG = System.getLogger(ClickBatcher.class.getName());
    /** What {@link #nanosUntilReady} answers when only a signal can make a batch ready. */
    private static final long UNTIL_SIGNALLED = -1;
    /**
     * How long {@link #close()}, once its timeout is spent, waits for a ledger call already in
     * flight to return before it gives up on the thread. That batch is then counted undelivered,
     * even if the call later succeeds: over-reporting beats a close that hangs on the database.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /** Pause before the sending loop starts again after an Error. */
    private static final Duration RESTART_PAUSE = Duration.ofMillis(100);
    /** The sender waits at least this many times as long as the last batch took to apply. */
    static final int LEDGER_SHARE = 40;
    /** The linger stretches to at most this many times the configured one. */
    static final int MAX_LINGER_STRETCH = 10;

    private final ClickLedger ledger;
    private final ClickBatcherConfig config;
    private final Ticker ticker;
    private final MetricsListener metrics;
    private final ClickQuarantine quarantine;
    private final long lingerNanos;
    /** {@code null} for a batcher made by {@link Builder#unstarted()}. */
    private final Thread sender;

    private final ReentrantLock lock = new ReentrantLock();
    /** The sender waits on it; signalled when a batch may have become ready. */
    private final Condition workArrived = lock.newCondition();
    /** Flush and close wait on it; signalled when clicks were settled or the batcher closed. */
    private final Condition progressMade = lock.newCondition();

    // Everything below is guarded by lock.
    /** Counts folding in now, by link; a node per minute of that link. */
    private HashMap<ShortCode, Pending> open = new HashMap<>();
    private int openKeys;
    private long openClicks;
    /** When the oldest click in {@link #open} arrived (ticker), valid while openKeys > 0. */
    private long openSince;
    /** Counts taken from {@code open} that the sender is turning into batches; 0 when none. */
    private long sealingClicks;
    private long sealingSince;
    /** Batches waiting to be applied, the head first; the head may be in flight. */
    private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
    /** Keys and clicks held: open, being sealed and sealed. What maxKeys bounds. */
    private long heldKeys;
    private long heldClicks;
    /** Clicks accepted, and clicks settled (applied or quarantined), since start. */
    private long acceptedClicks;
    private long settledClicks;
    private int flushWaiters;
    private boolean closing;
    private boolean stopping;
    private boolean closed;
    /** The linger now: the configured one, stretched while batches take long to apply. */
    private long currentLingerNanos;
    /** The pause after the last transient failure; 0 while the ledger is healthy. */
    private long backoffNanos;
    private long retryAt;

    private ClickBatcher(Builder b, boolean withThread) {
        this.ledger = b.ledger;
        this.config = b.config;
        this.ticker = b.ticker;
        this.metrics = b.metrics;
        this.quarantine = b.quarantine;
        this.lingerNanos = config.linger().toNanos();
        this.currentLingerNanos = lingerNanos;
        // A platform thread: the sender blocks in JDBC for most of its life, and a dedicated
        // thread keeps it off the carriers the redirect virtual threads run on.
        this.sender = withThread
                ? Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::runSupervised)
                : null;
    }

    /** The one way to make a batcher: everything but the ledger has a default. */
    public static Builder builder(ClickLedger ledger) {
        return new Builder(ledger);
    }

    @Override
    public boolean append(Click click) {
        ShortCode code = click.code();
        long minute = ClickCount.epochMinute(click.at());
        boolean accepted;
        lock.lock();
        try {
            accepted = !closing && fold(code, minute);
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

    /** Adds one click to its key; false when it needs a new key and none is left. Caller holds the lock. */
    private boolean fold(ShortCode code, long minute) {
        Pending head = open.get(code);
        Pending node = head;
        while (node != null && node.minute != minute) {
            node = node.older;
        }
        if (node == null) {
            if (heldKeys >= config.maxKeys()) {
                return false;
            }
            node = new Pending(code, minute, head);
            open.put(code, node);
            heldKeys++;
            if (openKeys++ == 0) {
                openSince = ticker.read();
                // The sender may be waiting without a deadline; the linger clock runs from now.
                workArrived.signal();
            } else if (openKeys == config.batchKeys()) {
                workArrived.signal();
            }
        }
        node.clicks++;
        openClicks++;
        heldClicks++;
        acceptedClicks++;
        return true;
    }

    /** Whether something should go to the ledger now. Caller holds the lock. */
    private boolean readyToSend(long now) {
        if (!sealed.isEmpty()) {
            return !backingOff(now);
        }
        return openKeys > 0 && (openKeys >= config.batchKeys()
                || now - openSince >= currentLingerNanos
                || closing
                || flushWaiters > 0);
    }

    private boolean backingOff(long now) {
        return backoffNanos > 0 && now - retryAt < 0;
    }

    /**
     * How long, by the ticker, until {@link #readyToSend} turns true without a signal, in
     * nanoseconds (at least 1), or {@link #UNTIL_SIGNALLED}. Caller holds the lock.
     */
    private long nanosUntilReady(long now) {
        if (!sealed.isEmpty()) {
            return Math.max(1, retryAt - now);
        }
        if (openKeys == 0) {
            return UNTIL_SIGNALLED;
        }
        return Math.max(1, openSince + currentLingerNanos - now);
    }

    /**
     * Applies the head batch if {@link #readyToSend} says so, sealing the open counts first when
     * nothing is sealed. Called by one thread at a time: the sender, or a test driving a batcher
     * made by {@link Builder#unstarted()}.
     *
     * @return whether the ledger was called (or a refused batch split), whatever its answer
     */
    boolean sendIfReady() {
        HashMap<ShortCode, Pending> taken;
        int takenKeys;
        long takenSince;
        lock.lock();
        try {
            if (!readyToSend(ticker.read())) {
                return false;
            }
            if (!sealed.isEmpty()) {
                taken = null;
                takenKeys = 0;
                takenSince = 0;
            } else {
                taken = open;
                takenKeys = openKeys;
                takenSince = openSince;
                sealingClicks = openClicks;
                sealingSince = openSince;
                open = new HashMap<>(capacityFor(takenKeys));
                openKeys = 0;
                openClicks = 0;
            }
        } finally {
            lock.unlock();
        }
        if (taken != null) {
            // Sorting outside the lock: appends fold into the fresh map meanwhile.
            List<Batch> batches = seal(taken, takenKeys, takenSince);
            lock.lock();
            try {
                sealed.addAll(batches);
                sealingClicks = 0;
            } finally {
                lock.unlock();
            }
        }
        Batch head;
        lock.lock();
        try {
            head = sealed.peekFirst();
        } finally {
            lock.unlock();
        }
        send(head);
        return true;
    }

    /** Room for as many keys as the last batch had, so a steady load rarely rehashes. */
    private static int capacityFor(int keys) {
        return (int) Math.min(1 << 20, Math.max(16, keys * 4L / 3 + 1));
    }

    private List<Batch> seal(HashMap<ShortCode, Pending> taken, int keys, long since) {
        List<ClickCount> counts = new ArrayList<>(keys);
        for (Pending head : taken.values()) {
            for (Pending p = head; p != null; p = p.older) {
                counts.add(new ClickCount(p.code, p.minute, p.clicks));
            }
        }
        Collections.sort(counts);
        List<Batch> batches = new ArrayList<>(counts.size() / config.batchKeys() + 1);
        for (int from = 0; from < counts.size(); from += config.batchKeys()) {
            List<ClickCount> part = counts.subList(from, Math.min(counts.size(), from + config.batchKeys()));
            batches.add(new Batch(ClickBatch.of(part), since, null));
        }
        return batches;
    }

    private void send(Batch batch) {
        if (batch.search != null) {
            if (batch.search.attemptsLeft <= 0) {
                // The search's budget is spent: set this part aside untried, for the same cause.
                refused(batch, batch.search.cause);
                return;
            }
            batch.search.attemptsLeft--;
        }
        long started = ticker.read();
        boolean fresh;
        try {
            fresh = ledger.apply(batch.batch);
        } catch (StoreUnavailableException e) {
            retryLater(batch, e);
            return;
        } catch (RuntimeException e) {
            refused(batch, e);
            return;
        } catch (Error e) {
            // Not an answer from the ledger: the supervisor logs and restarts; the batch stays
            // at the head unless it keeps doing this.
            if (++batch.errors >= ERRORS_BEFORE_REFUSAL) {
                refused(batch, e);
            }
            throw e;
        }
        applied(batch, fresh, Duration.ofNanos(ticker.read() - started));
    }

    private void applied(Batch batch, boolean fresh, Duration took) {
        long clicks = batch.batch.clicks();
        int attempts = batch.attempts;
        lock.lock();
        try {
            sealed.pollFirst();
            settleLocked(batch);
            backoffNanos = 0;
            currentLingerNanos = Math.clamp(took.toNanos() * LEDGER_SHARE, lingerNanos, lingerNanos * MAX_LINGER_STRETCH);
        } finally {
            lock.unlock();
        }
        metrics.clicksPersisted(clicks, took);
        if (!fresh) {
            metrics.clickBatchAlreadyApplied(clicks);
        }
        if (attempts > 0) {
            LOG.log(System.Logger.Level.INFO, () -> "event=click_batch_applied_after_retries batch=" + batch.batch.id()
                    + " clicks=" + clicks + " failedAttempts=" + attempts + " alreadyApplied=" + !fresh);
        }
    }

    private void settleLocked(Batch batch) {
        heldKeys -= batch.batch.counts().size();
        long clicks = batch.batch.clicks();
        heldClicks -= clicks;
        settledClicks += clicks;
        progressMade.signalAll();
    }

    private void retryLater(Batch batch, StoreUnavailableException cause) {
        long pause;
        lock.lock();
        try {
            batch.attempts++;
            backoffNanos = backoffNanos == 0 ? config.retryBackoff().toNanos()
                    : Math.min(backoffNanos * 2, config.maxBackoff().toNanos());
            retryAt = ticker.read() + backoffNanos;
            pause = backoffNanos;
        } finally {
            lock.unlock();
        }
        metrics.clickBatchFailed(batch.batch.clicks(), cause);
        // One line per failure; failures come at most once per backoff step, so an outage logs
        // at most one line per maxBackoff, and never a stack trace.
        int attempt = batch.attempts;
        LOG.log(System.Logger.Level.WARNING, () -> "event=click_batch_failed batch=" + batch.batch.id()
                + " clicks=" + batch.batch.clicks() + " attempt=" + attempt + " retryInMs=" + pause / 1_000_000
                + " error=" + cause.getClass().getSimpleName() + " message=\"" + cause.getMessage() + "\"");
    }

    /**
     * The ledger refused {@code batch} for good: set it aside when it is one count or the search's
     * budget is spent, else put its two halves at the head, the first half first.
     */
    private void refused(Batch batch, Throwable cause) {
        boolean setAside;
        lock.lock();
        try {
            sealed.pollFirst();
            List<ClickCount> counts = batch.batch.counts();
            Search search = batch.search != null ? batch.search : Search.forCounts(counts.size());
            search.cause = cause;
            setAside = counts.size() == 1 || search.attemptsLeft <= 0;
            if (setAside) {
                settleLocked(batch);
            } else {
                int half = counts.size() / 2;
                sealed.addFirst(new Batch(ClickBatch.of(counts.subList(half, counts.size())), batch.since, search));
                sealed.addFirst(new Batch(ClickBatch.of(counts.subList(0, half)), batch.since, search));
            }
        } finally {
            lock.unlock();
        }
        if (setAside) {
            setAside(batch.batch, cause);
        }
    }

    private void setAside(ClickBatch batch, Throwable cause) {
        try {
            quarantine.quarantine(batch, cause);
            LOG.log(System.Logger.Level.WARNING, () -> "event=click_batch_quarantined batch=" + batch.id()
                    + " clicks=" + batch.clicks() + " keys=" + batch.counts().size()
                    + " error=" + cause.getClass().getSimpleName() + " message=\"" + cause.getMessage() + "\"");
        } catch (RuntimeException e) {
            // The last resort: the whole batch in the log, so it is still not lost silently.
            LOG.log(System.Logger.Level.ERROR, () -> "event=click_quarantine_failed error=\"" + e.getMessage() + "\" "
                    + FileQuarantine.line(java.time.Instant.now(), batch, cause).strip());
        }
        metrics.clicksQuarantined(batch.clicks(), cause);
    }

    private void runSupervised() {
        while (true) {
            try {
                sendLoop();
                return;
            } catch (Throwable t) {
                metrics.workerRestarted(THREAD_NAME, t);
                LOG.log(System.Logger.Level.ERROR, "event=worker_restarted thread=" + THREAD_NAME, t);
                lock.lock();
                try {
                    if (stopping) {
                        return;
                    }
                    // A pause, so an Error that repeats does not spin a core.
                    workArrived.awaitNanos(RESTART_PAUSE.toNanos());
                } catch (InterruptedException e) {
                    // Only close() interrupts this thread, after setting stopping; the loop sees it.
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void sendLoop() {
        while (awaitReady()) {
            sendIfReady();
        }
    }

    /** Waits until something is ready to send; {@code false} once the batcher is stopping. */
    private boolean awaitReady() {
        lock.lock();
        try {
            while (!stopping) {
                long now = ticker.read();
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
     * Waits until every click accepted before this call has been applied or set aside. A batcher
     * made by {@link Builder#unstarted()} has no thread to apply them, so there it only waits.
     */
    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long target = acceptedClicks;
            if (settledClicks >= target) {
                return true;
            }
            flushWaiters++;
            workArrived.signal();
            try {
                long nanosLeft = timeout.toNanos();
                while (settledClicks < target && !closed) {
                    if (nanosLeft <= 0) {
                        return false;
                    }
                    nanosLeft = progressMade.awaitNanos(nanosLeft);
                }
                return settledClicks >= target;
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
        long undelivered = -1;
        try {
            if (sender == null) {
                sendInCaller(deadline);
            } else {
                awaitDrained(deadline);
            }
        } finally {
            stopSender();
            undelivered = markClosed();
        }
        report(undelivered);
    }

    /** Same rules as the sender thread, backoff included, but in the caller's thread. */
    private void sendInCaller(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            if (sendIfReady()) {
                continue;
            }
            lock.lock();
            try {
                if (heldClicks == 0) {
                    return;
                }
                long untilReady = nanosUntilReady(ticker.read());
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
            while (heldClicks > 0) {
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

    private void stopSender() {
        lock.lock();
        try {
            stopping = true;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (sender == null) {
            return;
        }
        try {
            if (!sender.join(STOP_GRACE)) {
                sender.interrupt();
                LOG.log(System.Logger.Level.WARNING, () -> "event=click_batcher_stopped_in_flight thread=" + THREAD_NAME
                        + " graceMs=" + STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long markClosed() {
        lock.lock();
        try {
            closed = true;
            progressMade.signalAll();
            return heldClicks;
        } finally {
            lock.unlock();
        }
    }

    private void report(long undelivered) {
        if (undelivered > 0) {
            metrics.clicksUndelivered(undelivered);
            LOG.log(System.Logger.Level.WARNING, () -> "event=click_batcher_closed undelivered=" + undelivered
                    + " closeTimeoutMs=" + config.closeTimeout().toMillis());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "event=click_batcher_closed undelivered=0");
        }
    }

    /** Clicks accepted and not yet applied or set aside, batches in flight included. */
    @Override
    public Backlog backlog() {
        lock.lock();
        try {
            if (heldClicks == 0) {
                return Backlog.NONE;
            }
            long oldest;
            if (!sealed.isEmpty()) {
                oldest = sealed.peekFirst().since;
            } else if (sealingClicks > 0) {
                oldest = sealingSince;
            } else {
                oldest = openSince;
            }
            return new Backlog(heldClicks, Duration.ofNanos(Math.max(0, ticker.read() - oldest)));
        } finally {
            lock.unlock();
        }
    }

    /** Keys held (distinct link and minute pairs), batches in flight included; for a gauge. */
    public long heldKeys() {
        lock.lock();
        try {
            return heldKeys;
        } finally {
            lock.unlock();
        }
    }

    /** The count of one link in one minute, folding in; newer minutes first. */
    private static final class Pending {
        final ShortCode code;
        final long minute;
        final Pending older;
        long clicks;

        Pending(ShortCode code, long minute, Pending older) {
            this.code = code;
            this.minute = minute;
            this.older = older;
        }
    }

    /** A sealed batch and what the sender knows about it. */
    private static final class Batch {
        final ClickBatch batch;
        /** When the oldest click in it arrived (ticker). */
        final long since;
        /** The search for refused counts this batch is part of, if a batch it came from was refused. */
        final Search search;
        int attempts;
        int errors;

        Batch(ClickBatch batch, long since, Search search) {
            this.batch = batch;
            this.since = since;
            this.search = search;
        }
    }

    /** The attempts left to find the refused counts of one refused batch, shared by all its parts. */
    private static final class Search {
        int attemptsLeft;
        /** Why the last part was refused: the cause given for parts set aside untried. */
        Throwable cause;

        static Search forCounts(int counts) {
            int levels = 64 - Long.numberOfLeadingZeros(Math.max(1, counts - 1));
            Search search = new Search();
            search.attemptsLeft = REFUSAL_BUDGET_PER_LEVEL * Math.max(1, levels);
            return search;
        }
    }

    /** Builds a {@link ClickBatcher}; see the class comment for what each part does. */
    public static final class Builder {
        private final ClickLedger ledger;
        private ClickBatcherConfig config = ClickBatcherConfig.defaults();
        private Ticker ticker = Ticker.system();
        private MetricsListener metrics = MetricsListener.noop();
        private ClickQuarantine quarantine = ClickQuarantine.toLog();

        private Builder(ClickLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        public Builder config(ClickBatcherConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** The monotonic time source for linger, backoff and ages; {@link Ticker#system()} by default. */
        public Builder ticker(Ticker value) {
            this.ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        public Builder metrics(MetricsListener value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /** Where refused batches are set aside; {@link ClickQuarantine#toLog()} by default. */
        public Builder quarantine(ClickQuarantine value) {
            this.quarantine = Objects.requireNonNull(value, "quarantine");
            return this;
        }

        /** A batcher whose sender thread is running; {@link #close()} it on shutdown. */
        public ClickBatcher start() {
            ClickBatcher batcher = new ClickBatcher(this, true);
            batcher.sender.start();
            return batcher;
        }

        /**
         * A batcher without a sender thread, for tests: they call {@link #sendIfReady()}
         * themselves, and {@link #close()} sends in the caller's thread.
         */
        ClickBatcher unstarted() {
            return new ClickBatcher(this, false);
        }
    }

    /** For tests: the batches waiting, head first (the head may be in flight). */
    List<ClickBatch> sealedBatches() {
        lock.lock();
        try {
            List<ClickBatch> out = new ArrayList<>(sealed.size());
            for (Iterator<Batch> it = sealed.iterator(); it.hasNext(); ) {
                out.add(it.next().batch);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }
}
