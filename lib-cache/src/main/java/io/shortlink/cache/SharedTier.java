package io.shortlink.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.ShortCode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The Redis tier as one {@link TieredLinkCache} uses it: reads and fills through a circuit
 * breaker, invalidations as tombstones plus a message to every instance, and the invalidations
 * Redis could not take kept and retried by a worker thread until it can.
 *
 * <p>The worker ({@value #WORKER_NAME}, one platform daemon thread) subscribes to the
 * invalidation channel (and keeps trying while Redis is away), empties L1 when invalidations may
 * have been missed, and writes pending invalidations. A throwable that escapes it is logged,
 * reported through {@link MetricsListener#workerRestarted} and the loop restarts after a pause.
 */
final class SharedTier implements SecondTier, AutoCloseable {
    static final String WORKER_NAME = "shortlink-l2-worker";
    private static final System.Logger LOG = System.getLogger(SharedTier.class.getName());
    private static final String L2 = "l2";
    /**
     * How often the worker tries pending invalidations while there are some. Cheap while the
     * breaker is open (no command is sent); once it half-opens, these tries are its probes, so
     * Redis is found back even when no request misses L1.
     */
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);
    private static final Duration RESTART_PAUSE = Duration.ofSeconds(1);
    /** The breaker did not let a command through: not a failure of Redis, reported nowhere. */
    private static final Unanswered SKIPPED = new Unanswered(null);

    private final RedisTierConfig config;
    private final TierConnection redis;
    private final FirstTier l1;
    private final MetricsListener metrics;
    private final InstantSource clock;
    private final CircuitBreaker breaker;
    private final long waitNanos;
    /**
     * A pending invalidation is given up this long after it was made: any value it was meant to
     * cover was written before the change, or by a load that started before it (within
     * tombstoneTtl), and has expired in Redis by now.
     */
    private final Duration giveUpAfter;
    private final byte[] tombstone = LinkCodec.tombstone();
    /**
     * Codes invalidated here while Redis could not take it, with when. Their values in Redis may
     * be stale, so this instance neither reads nor fills them until the tombstone is written.
     */
    private final ConcurrentMap<ShortCode, Since> pending = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private boolean signalled;
    private boolean clearRequested;
    private boolean stopping;
    private final Thread worker;

    /** Set once the channel is subscribed; until then no request sends a command (see connect). */
    private volatile boolean connected;
    private volatile boolean closed;
    // The worker's own (and close's, after the worker has stopped).
    private CompletableFuture<Void> subscription;
    private Instant nextSubscribeAttempt = Instant.MIN;

    SharedTier(RedisTierConfig config, TierConnection redis, FirstTier l1, MetricsListener metrics,
            InstantSource clock, boolean withWorker) {
        this.config = config;
        this.redis = redis;
        this.l1 = l1;
        this.metrics = metrics;
        this.clock = clock;
        this.waitNanos = config.longestWait().toNanos();
        this.giveUpAfter = config.l2Ttl().plus(config.tombstoneTtl());
        this.breaker = newBreaker(config.breaker(), clock);
        breaker.getEventPublisher().onStateTransition(this::onTransition);
        // A platform thread: it spends its life parked or waiting on Redis, off the carriers
        // the request virtual threads run on.
        this.worker = withWorker
                ? Thread.ofPlatform().name(WORKER_NAME).daemon(true).start(this::runSupervised)
                : null;
    }

    private static CircuitBreaker newBreaker(RedisTierConfig.Breaker settings, InstantSource clock) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slidingWindow(settings.window(), settings.window(), SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                // No scheduler thread: the first call after openFor moves it to half-open.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock.withZone(ZoneOffset.UTC))
                .build();
        return CircuitBreaker.of("shortlink-l2", config);
    }

    @Override
    public Read read(ShortCode code) {
        if (!connected || pending.containsKey(code)) {
            return Read.Miss.SKIPPED;
        }
        long start = System.nanoTime();
        byte[] value;
        try {
            value = ask(() -> redis.get(key(code)));
        } catch (Unanswered e) {
            if (e != SKIPPED) {
                metrics.cacheLoadTime(L2, since(start));
                failed("get", e.getCause());
            }
            return Read.Miss.SKIPPED;
        }
        metrics.cacheLoadTime(L2, since(start));
        if (value == null) {
            metrics.cacheLookup(L2, false);
            return Read.Miss.EMPTY;
        }
        if (LinkCodec.isTombstone(value)) {
            // Changed a moment ago: the store has the new state. No write-back: it would find
            // the key taken (NX) until the tombstone expires.
            metrics.cacheLookup(L2, false);
            return Read.Miss.SKIPPED;
        }
        try {
            Lookup lookup = LinkCodec.decode(value, code);
            metrics.cacheLookup(L2, true);
            return new Read.Hit(lookup);
        } catch (IllegalArgumentException e) {
            metrics.cacheLookup(L2, false);
            failed("decode", e);
            return Read.Miss.SKIPPED;
        }
    }

    @Override
    public void fill(ShortCode code, Lookup lookup) {
        if (!connected || pending.containsKey(code)) {
            return;
        }
        Duration ttl = lookup instanceof Lookup.Found ? config.l2Ttl() : config.negativeTtl();
        byte[] value = LinkCodec.encode(lookup);
        // NX: a tombstone written since this load read the store stays (see invalidate).
        tell("fill", () -> redis.setIfAbsent(key(code), value, ttl));
    }

    /**
     * Writes a tombstone over the code's value, then tells every instance, this one included.
     *
     * <p>Why a tombstone and not a DEL: a load on any instance may have read the store before
     * the change and not yet written its answer. After a DEL its SET would put the old answer
     * back for l2Ttl; fills are SET NX, so while the tombstone stands (tombstoneTtl, longer than
     * any load) that late write finds the key taken and is dropped. Reads that meet the tombstone
     * go to the store and do not fill.
     *
     * <p>When Redis cannot take it, the code waits in {@link #pending} and this instance stops
     * reading its value from Redis; the worker tries again every {@link #RETRY_INTERVAL} (each
     * try a probe of the breaker's) and writes it as soon as Redis answers.
     */
    @Override
    public void invalidate(ShortCode code) {
        if (closed) {
            return;
        }
        if (connected && tellRedis(code)) {
            // Covers any earlier pending change of the code too: the tombstone is newer.
            if (pending.remove(code) != null) {
                metrics.cacheInvalidationsPending(pending.size());
            }
            return;
        }
        defer(code);
    }

    private boolean tellRedis(ShortCode code) {
        try {
            ask(() -> redis.set(key(code), tombstone, config.tombstoneTtl()));
            ask(() -> redis.publish(config.channel(), code.value()));
        } catch (Unanswered e) {
            if (e != SKIPPED) {
                failed("invalidate", e.getCause());
            }
            return false;
        }
        metrics.cacheInvalidation("published");
        return true;
    }

    private void defer(ShortCode code) {
        if (pending.size() >= config.maxPendingInvalidations() && !pending.containsKey(code)) {
            metrics.cacheInvalidation("dropped");
            LOG.log(System.Logger.Level.WARNING, () -> "event=l2_invalidation_dropped code=" + code
                    + " pending=" + pending.size() + " reason=\"too many pending; other instances may serve it"
                    + " from Redis until its l2Ttl\"");
            return;
        }
        pending.put(code, new Since(clock.instant()));
        metrics.cacheInvalidationsPending(pending.size());
        wakeWorker();
    }

    /**
     * Sends one command through the breaker and waits for its answer, at most
     * {@link RedisTierConfig#longestWait()} whatever the client does.
     *
     * @throws Unanswered {@link #SKIPPED} at once when the breaker keeps Redis skipped; else with
     *                    the failure, a timeout included
     */
    private <T> T ask(Supplier<? extends CompletionStage<T>> command) throws Unanswered {
        if (!breaker.tryAcquirePermission()) {
            throw SKIPPED;
        }
        Outcome outcome = new Outcome();
        CompletableFuture<T> answer;
        try {
            answer = command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            outcome.record(e);
            throw new Unanswered(e);
        }
        answer.whenComplete(outcome);
        try {
            // A timed wait on the asking thread, not CompletableFuture.orTimeout: that schedules a
            // task on a shared timer thread per command, and an L2 hit took 84 us against
            // Redisson's own get's 69 us with it, 68 us without (TieredCacheBenchmark, 2 cores).
            return answer.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new Unanswered(e.getCause()); // recorded by the outcome
        } catch (TimeoutException e) {
            outcome.record(e);
            throw new Unanswered(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unanswered(e); // not Redis's doing: the outcome records the answer when it comes
        }
    }

    /**
     * Sends one command through the breaker without waiting; a failure is reported as
     * {@code operation}. The client's own timeout ends it (see RedissonConnection).
     */
    private <T> void tell(String operation, Supplier<? extends CompletionStage<T>> command) {
        if (!breaker.tryAcquirePermission()) {
            return;
        }
        Outcome outcome = new Outcome();
        try {
            command.get().whenComplete((value, e) -> {
                outcome.accept(value, e);
                if (e != null) {
                    failed(operation, cause(e));
                }
            });
        } catch (RuntimeException e) {
            outcome.record(e);
            failed(operation, e);
        }
    }

    private void failed(String operation, Throwable cause) {
        metrics.cacheTierFailed(L2, operation, cause);
        LOG.log(System.Logger.Level.DEBUG, () -> "event=l2_failed operation=" + operation + " error=\"" + cause + "\"");
    }

    private void onTransition(CircuitBreakerOnStateTransitionEvent event) {
        CircuitBreaker.State to = event.getStateTransition().getToState();
        metrics.cacheTierState(L2, to.name().toLowerCase(Locale.ROOT));
        LOG.log(to == CircuitBreaker.State.OPEN ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                () -> "event=l2_breaker from=" + event.getStateTransition().getFromState() + " to=" + to);
        if (to == CircuitBreaker.State.CLOSED) {
            // Redis answers again after a time this instance could not read it: invalidations
            // published meanwhile (by instances that could) may not have reached this L1.
            requestClear();
        }
        wakeWorker();
    }

    private void received(String message) {
        Optional<ShortCode> code = ShortCode.parse(message);
        if (code.isEmpty()) {
            String shown = message.length() > 80 ? message.substring(0, 80) + "..." : message;
            failed("receive", new IllegalArgumentException("not a short code: '" + shown + "'"));
            return;
        }
        l1.invalidate(code.get());
        metrics.cacheInvalidation("received");
    }

    /** The channel was subscribed again after a lost connection: messages in between are lost. */
    private void resubscribed() {
        requestClear();
    }

    /**
     * One round of the worker's work: subscribe if not yet, empty L1 if asked, write pending
     * invalidations. Tests without a worker call it themselves.
     */
    void maintain() {
        if (!connected) {
            subscribe();
        }
        if (takeClearRequest()) {
            clearL1();
        }
        if (connected) {
            flushPending();
        }
    }

    private void clearL1() {
        // Reported only when there was something to forget: at start-up L1 is empty.
        if (l1.invalidateAll()) {
            metrics.cacheCleared("l1");
            LOG.log(System.Logger.Level.INFO, "event=l1_cleared reason=\"invalidations may have been missed\"");
        }
    }

    /**
     * The first command to Redis. It is the worker's, not a request's: the connection is opened
     * lazily, by whichever command comes first, and that command waits for it. Requests skip
     * Redis until the subscription stands and L1 has been emptied once.
     */
    private void subscribe() {
        Instant now = clock.instant();
        if (subscription == null || (subscription.isCompletedExceptionally() && !now.isBefore(nextSubscribeAttempt))) {
            try {
                subscription = redis.subscribe(config.channel(), this::received, this::resubscribed)
                        .toCompletableFuture();
            } catch (RuntimeException e) {
                subscription = CompletableFuture.failedFuture(e);
            }
        }
        try {
            subscription.get(config.connectTimeout().multipliedBy(config.retryAttempts() + 2L).toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return; // still connecting: looked at again next round
        } catch (ExecutionException e) {
            if (!now.isBefore(nextSubscribeAttempt)) {
                failed("subscribe", e.getCause());
                LOG.log(System.Logger.Level.WARNING, () -> "event=l2_subscribe_failed error=\"" + e.getCause()
                        + "\" retry_in=" + config.breaker().openFor());
                nextSubscribeAttempt = now.plus(config.breaker().openFor());
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // Before Redis is used: what L1 loaded while nobody listened may have been invalidated
        // meanwhile; what it loads from now on hears of any invalidation.
        clearL1();
        connected = true;
        LOG.log(System.Logger.Level.INFO, () -> "event=l2_connected channel=" + config.channel());
    }

    private void flushPending() {
        if (pending.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        for (Map.Entry<ShortCode, Since> entry : pending.entrySet()) {
            ShortCode code = entry.getKey();
            Since since = entry.getValue();
            if (!now.isBefore(since.at.plus(giveUpAfter))) {
                pending.remove(code, since);
                continue;
            }
            if (!tellRedis(code)) {
                break; // Redis still away, or the breaker open: next round
            }
            // Only this change: a newer one made meanwhile stays pending (it may be newer than
            // the tombstone just written).
            pending.remove(code, since);
        }
        metrics.cacheInvalidationsPending(pending.size());
    }

    private void runSupervised() {
        while (true) {
            try {
                while (awaitWork()) {
                    maintain();
                }
                return;
            } catch (Throwable t) {
                metrics.workerRestarted(WORKER_NAME, t);
                LOG.log(System.Logger.Level.ERROR, "event=worker_restarted thread=" + WORKER_NAME, t);
                lock.lock();
                try {
                    if (stopping) {
                        return;
                    }
                    // A pause, so that a failure that repeats does not spin a core.
                    workArrived.awaitNanos(RESTART_PAUSE.toNanos());
                } catch (InterruptedException e) {
                    // close() interrupts only after setting stopping; the loop sees it.
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Waits for a signal, or a retry interval while something waits on Redis; false once stopping. */
    private boolean awaitWork() throws InterruptedException {
        lock.lock();
        try {
            long nanos = RETRY_INTERVAL.toNanos();
            while (!stopping && !signalled) {
                if (connected && pending.isEmpty()) {
                    workArrived.await();
                } else if (nanos > 0) {
                    nanos = workArrived.awaitNanos(nanos);
                } else {
                    break;
                }
            }
            signalled = false;
            return !stopping;
        } finally {
            lock.unlock();
        }
    }

    private void wakeWorker() {
        signalWorker(() -> signalled = true);
    }

    private void requestClear() {
        signalWorker(() -> {
            clearRequested = true;
            signalled = true;
        });
    }

    /** Under the lock: sets what {@code mark} sets, then wakes the worker. */
    private void signalWorker(Runnable mark) {
        lock.lock();
        try {
            mark.run();
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean takeClearRequest() {
        lock.lock();
        try {
            boolean requested = clearRequested;
            clearRequested = false;
            return requested;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the worker, makes one last attempt at the pending invalidations (bounded by the
     * command timeouts: it stops at the first that fails) and logs how many it could not write.
     * Afterwards the cache uses L1 and the store only.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            try {
                worker.join(config.connectTimeout().multipliedBy(config.retryAttempts() + 2L)
                        .plus(config.longestWait().multipliedBy(2)).plusSeconds(1));
                if (worker.isAlive()) {
                    worker.interrupt();
                    worker.join(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (connected) {
            flushPending();
        }
        closed = true;
        connected = false;
        int undelivered = pending.size();
        if (undelivered > 0) {
            LOG.log(System.Logger.Level.WARNING, () -> "event=l2_closed undelivered_invalidations=" + undelivered
                    + " reason=\"Redis could not take them; other instances may serve those codes from Redis"
                    + " until their l2Ttl\"");
        }
    }

    // --- for tests ---

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    boolean connected() {
        return connected;
    }

    int pendingCount() {
        return pending.size();
    }

    private String key(ShortCode code) {
        return config.key(code.value());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** When a pending invalidation was made; compared by identity, so a newer one is never taken for it. */
    private static final class Since {
        final Instant at;

        Since(Instant at) {
            this.at = at;
        }
    }

    /**
     * One command's result for the breaker, recorded once: by its answer, or by the deadline of
     * the thread that waited for it, whichever comes first (each permission the breaker gives
     * must end in exactly one success or error).
     */
    private final class Outcome extends AtomicBoolean implements BiConsumer<Object, Throwable> {
        private final long start = System.nanoTime();

        @Override
        public void accept(Object value, Throwable e) {
            record(e == null ? null : cause(e));
        }

        void record(Throwable failure) {
            if (!compareAndSet(false, true)) {
                return;
            }
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
            }
        }
    }

    /** Redis did not answer a command: the breaker skipped it ({@link #SKIPPED}), or why. */
    private static final class Unanswered extends Exception {
        Unanswered(Throwable cause) {
            super(cause == null ? "the L2 circuit breaker is open" : cause.toString(), cause, false, false);
        }
    }
}
