package io.shortlink.server;

import io.helidon.http.Method;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.shortlink.cache.BucketRateLimiter;
import io.shortlink.core.access.EnumerationGuard;
import io.shortlink.core.access.RateLimit;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickSink;
import io.shortlink.core.MetricsListener;
import io.shortlink.events.ClickConsumer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The libraries' {@link MetricsListener} and the request-latency filter, exported through
 * Helidon's metrics (Micrometer underneath, Prometheus text at {@code /observe/metrics}).
 *
 * <p>Meters are created once and held in fields: a lookup by name and tags per request would
 * cost more than the redirect itself.
 */
final class ServerMetrics implements MetricsListener {
    /** Bucket bounds around the targets (p95 < 30 ms, p99 < 50 ms), so both can be read off the histogram. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(30), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};
    private static final String[] ROUTES = {"redirect", "api", "observe"};
    private static final String[] OUTCOMES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String CACHE_LOOKUPS = "Link cache lookups by tier and result";
    /**
     * Counted on every redirect: striped adders the registry reads when scraped. Static, like the
     * registry's meters they stand for: every ServerMetrics on one registry (tests open several
     * apps in one JVM) counts into the same ones.
     */
    private static final LongAdder accepted = new LongAdder();
    private static final LongAdder l1Hits = new LongAdder();
    private static final LongAdder l1Misses = new LongAdder();

    private final MeterRegistry registry;
    private final Counter dropped;
    private final Counter persisted;
    private final Counter batchesFailed;
    private final Counter undelivered;
    private final Counter quarantined;
    private final Counter alreadyApplied;
    private final Counter duplicated;
    private final Counter published;
    private final Counter spilled;
    private final Counter replayed;
    private final Counter spillDamage;
    private final Counter ackTimeouts;
    private final Timer batchDuration;
    private final Timer[][] requests;

    ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        perRedirect(accepted, "shortlink.clicks.accepted", "Clicks accepted by the click sink");
        dropped = counter("shortlink.clicks.dropped", "Clicks refused by the click sink (buffer full or closed)");
        persisted = counter("shortlink.clicks.persisted", "Clicks applied to the click ledger");
        batchesFailed = counter("shortlink.click.batches.failed",
                "Click batches that failed to apply and were retried");
        undelivered = counter("shortlink.clicks.undelivered",
                "Accepted clicks that could not be delivered before shutdown");
        quarantined = counter("shortlink.clicks.quarantined",
                "Clicks the ledger refused for good, set aside in the quarantine file");
        alreadyApplied = counter("shortlink.clicks.already.applied",
                "Clicks of retried batches that an earlier attempt had applied (lost commit acknowledgements)");
        duplicated = counter("shortlink.clicks.duplicated",
                "Click events delivered again and skipped by their event id");
        published = counter("shortlink.clicks.published", "Clicks acknowledged by Kafka");
        spilled = counter("shortlink.clicks.spilled",
                "Clicks written to the local spill because Kafka could not take them");
        replayed = counter("shortlink.clicks.replayed",
                "Clicks replayed from the local spill and acknowledged by Kafka");
        spillDamage = counter("shortlink.click.spill.damaged",
                "Damaged regions and torn tails skipped while replaying the spill");
        ackTimeouts = counter("shortlink.clicks.ack.timeouts",
                "Acked redirects answered before their click was durable (ack-timeout passed)");
        batchDuration = registry.getOrCreate(timer("shortlink.click.batch.duration", "Time to apply one click batch"));
        perRedirect(l1Hits, "shortlink.cache.lookups", CACHE_LOOKUPS, "tier", "l1", "result", "hit");
        perRedirect(l1Misses, "shortlink.cache.lookups", CACHE_LOOKUPS, "tier", "l1", "result", "miss");
        requests = new Timer[ROUTES.length][OUTCOMES.length];
        for (int r = 0; r < ROUTES.length; r++) {
            for (int o = 0; o < OUTCOMES.length; o++) {
                requests[r][o] = registry.getOrCreate(timer("shortlink.http.requests", "Server-side request latency",
                        "route", ROUTES[r], "outcome", OUTCOMES[o]));
            }
        }
    }

    /**
     * A counter bumped on every redirect: a {@link LongAdder} (no contention between the request
     * threads, no registry on the hot path) that the registry reads when it is scraped.
     */
    private void perRedirect(LongAdder adder, String name, String description, String... tags) {
        registry.getOrCreate(FunctionalCounter.builder(name, adder, LongAdder::sum)
                .description(description).tags(Metrics.tags(tags)));
    }

    /**
     * A latency histogram: {@link #LATENCY_BUCKETS}, count, sum and max -- and no client-side
     * percentiles, which Helidon adds to every timer unless told otherwise. Those are computed per
     * instance (Prometheus cannot add them up across the instances of a scale-out; it can add
     * buckets and read {@code histogram_quantile} off them) and each record fed them to a ring of
     * HdrHistogram recorders (1.6 % of a redirect's CPU samples) for a figure that misleads once
     * there are two instances.
     */
    private static Timer.Builder timer(String name, String description, String... tags) {
        return Timer.builder(name).description(description).tags(Metrics.tags(tags))
                .buckets(LATENCY_BUCKETS)
                .percentiles(new double[0]);
    }

    private Counter counter(String name, String description, String... tags) {
        return registry.getOrCreate(Counter.builder(name).description(description).tags(Metrics.tags(tags)));
    }

    /** The registry the meters are in (scraped at {@code /observe/metrics}). */
    MeterRegistry registry() {
        return registry;
    }

    /** The routing filter that times every request by route family and status class. */
    void timeRequest(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            int outcome = Math.clamp(res.status().code() / 100 - 1, 0, OUTCOMES.length - 1);
            requests[route(req)][outcome].record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private static int route(RoutingRequest req) {
        // The prologue's path: req.path() is relative to the service a filter sees it in.
        String path = req.prologue().uriPath().rawPath();
        if (path.startsWith("/api/")) {
            return 1;
        }
        return path.startsWith("/observe") ? 2 : req.prologue().method() == Method.POST ? 1 : 0;
    }

    @Override
    public void clickAccepted() {
        accepted.increment();
    }

    @Override
    public void clickDropped() {
        dropped.increment();
    }

    @Override
    public void clicksPersisted(long count, Duration took) {
        persisted.increment(count);
        batchDuration.record(took);
    }

    @Override
    public void clickBatchFailed(long count, Throwable cause) {
        batchesFailed.increment();
    }

    @Override
    public void clickBatchAlreadyApplied(long count) {
        alreadyApplied.increment(count);
    }

    @Override
    public void clicksQuarantined(long count, Throwable cause) {
        quarantined.increment(count);
    }

    @Override
    public void clickEventsDuplicated(long count) {
        duplicated.increment(count);
    }

    @Override
    public void workerRestarted(String name, Throwable cause) {
        counter("shortlink.workers.restarted", "Background threads that failed and were restarted", "worker", name)
                .increment();
    }

    /**
     * Gauges of what {@code sink} holds undelivered. The registry is global and keeps the first
     * gauge of a name, so the gauges read the sink watched last (one per process in production;
     * the newest app in a test JVM).
     */
    void watchClicks(ClickSink sink) {
        WATCHED.set(sink);
        registry.getOrCreate(Gauge.builder("shortlink.clicks.backlog",
                () -> (double) WATCHED.get().backlog().clicks())
                .description("Clicks accepted and not yet delivered to the ledger or broker"));
        registry.getOrCreate(Gauge.builder("shortlink.clicks.backlog.oldest.seconds",
                () -> WATCHED.get().backlog().oldestAge().toNanos() / 1e9)
                .description("How long the oldest undelivered click has waited"));
        registry.getOrCreate(Gauge.builder("shortlink.clicks.backlog.keys",
                () -> (double) (WATCHED.get() instanceof ClickBatcher b ? b.heldKeys() : 0))
                .description("Distinct (link, minute) counts the in-process batcher holds"));
    }

    private static final AtomicReference<EnumerationGuard> GUARD = new AtomicReference<>();
    private static final AtomicReference<Optional<BucketRateLimiter>> LIMITER = new AtomicReference<>();

    /** The enumeration guard's and the rate limiter's counts (the last ones watched, as for the sink). */
    void watchAccess(EnumerationGuard guard, Optional<BucketRateLimiter> limiter) {
        GUARD.set(guard);
        LIMITER.set(limiter);
        registry.getOrCreate(FunctionalCounter.builder("shortlink.guard.cooldowns", GUARD,
                        g -> g.get().coolDowns())
                .description("Client addresses that got more 404s on GET /{code} than the enumeration guard allows"));
        registry.getOrCreate(FunctionalCounter.builder("shortlink.guard.refused", GUARD, g -> g.get().refused())
                .description("Redirects answered 429 because their client was cooling down"));
        registry.getOrCreate(FunctionalCounter.builder("shortlink.guard.uncounted", GUARD, g -> g.get().uncounted())
                .description("404s the guard could not count: max-clients addresses were counted already"));
        registry.getOrCreate(Gauge.builder("shortlink.guard.cooling.clients",
                        () -> (double) GUARD.get().coolingClients())
                .description("Client addresses cooling down now"));
        registry.getOrCreate(FunctionalCounter.builder("shortlink.ratelimit.fallbacks", LIMITER,
                        l -> l.get().map(BucketRateLimiter::fallbacks).orElse(0L))
                .description("Times the shared (Redis) rate limiter failed and this instance limited on its own"));
        registry.getOrCreate(Gauge.builder("shortlink.ratelimit.on.fallback",
                        () -> LIMITER.get().map(l -> l.onFallback() ? 1.0 : 0.0).orElse(0.0))
                .description("1 while the rate limiter answers from this process because Redis failed"));
    }

    /** An API call refused by {@code limit} (429). */
    void rateLimited(RateLimit limit) {
        registry.getOrCreate(Counter.builder("shortlink.ratelimit.refused")
                        .description("API calls answered 429, by the limit that refused them")
                        .tags(Metrics.tags("limit", limit.name())))
                .increment();
    }

    private static final AtomicReference<ClickSink> WATCHED = new AtomicReference<>();
    private static final AtomicReference<ClickConsumer> CONSUMER = new AtomicReference<>();

    /** Gauges of the Kafka consumer this process runs (the last one watched, as for the sink). */
    void watchConsumer(ClickConsumer consumer) {
        CONSUMER.set(consumer);
        registry.getOrCreate(Gauge.builder("shortlink.click.consumer.lag",
                () -> (double) CONSUMER.get().lag())
                .description("Click records in the assigned partitions not yet read by the consumer"));
    }

    @Override
    public void clicksPublished(long count) {
        published.increment(count);
    }

    @Override
    public void clicksSpilled(long count) {
        spilled.increment(count);
    }

    @Override
    public void clicksReplayed(long count) {
        replayed.increment(count);
    }

    @Override
    public void spillDamaged(long regions, long bytes, boolean tornTail) {
        spillDamage.increment(regions + (tornTail ? 1 : 0));
    }

    @Override
    public void clickAckTimedOut() {
        ackTimeouts.increment();
    }

    @Override
    public void clicksUndelivered(long count) {
        undelivered.increment(count);
    }

    @Override
    public void cacheLookup(String tier, boolean hit) {
        if ("l1".equals(tier)) {
            (hit ? l1Hits : l1Misses).increment();
        } else {
            // Only on an L1 miss: the registry's lookup is cheap next to the Redis call.
            counter("shortlink.cache.lookups", CACHE_LOOKUPS, "tier", tier, "result", hit ? "hit" : "miss").increment();
        }
    }

    @Override
    public void cacheLoadTime(String source, Duration took) {
        registry.getOrCreate(timer("shortlink.cache.load", "Time a cache miss waited on the next tier or the database",
                "source", source)).record(took);
    }

    @Override
    public void cacheTierFailed(String tier, String operation, Throwable cause) {
        counter("shortlink.cache.tier.failures", "Cache tier calls that failed, by operation (no caller saw them)",
                "tier", tier, "operation", operation).increment();
    }

    @Override
    public void cacheTierState(String tier, String state) {
        int value = switch (state) {
            case "open" -> 2;
            case "half_open" -> 1;
            default -> 0;
        };
        TIER_STATE.put(tier, value);
        registry.getOrCreate(Gauge.builder("shortlink.cache.tier.state", () -> (double) TIER_STATE.getOrDefault(tier, 0))
                .description("The breaker in front of a cache tier: 0 closed (in use), 1 half open (probed), 2 open (skipped)")
                .tags(Metrics.tags("tier", tier)));
        counter("shortlink.cache.tier.transitions", "Breaker transitions of a cache tier, by the state entered",
                "tier", tier, "state", state).increment();
    }

    @Override
    public void cacheInvalidation(String event) {
        counter("shortlink.cache.invalidations", "Invalidations between instances: published, received, dropped",
                "event", event).increment();
    }

    @Override
    public void cacheInvalidationsPending(int count) {
        PENDING_INVALIDATIONS.set(count);
        registry.getOrCreate(Gauge.builder("shortlink.cache.invalidations.pending", () -> (double) PENDING_INVALIDATIONS.get())
                .description("Invalidations waiting for the shared tier to come back"));
    }

    @Override
    public void cacheCleared(String tier) {
        counter("shortlink.cache.cleared", "Times a cache tier was emptied because invalidations may have been missed",
                "tier", tier).increment();
    }

    /** The breaker state of each tier and the pending invalidations, read by gauges (process-wide, like the registry). */
    private static final Map<String, Integer> TIER_STATE = new ConcurrentHashMap<>();
    private static final AtomicInteger PENDING_INVALIDATIONS = new AtomicInteger();
}
