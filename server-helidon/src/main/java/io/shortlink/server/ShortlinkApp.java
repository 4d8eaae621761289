package io.shortlink.server;

import io.shortlink.core.jdbc.JdbcClickLedger;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.shortlink.cache.BucketRateLimiter;
import io.shortlink.cache.RateLimiterConfig;
import io.shortlink.cache.RedisLinkTier;
import io.shortlink.cache.TieredLinkCache;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickQuarantine;
import io.shortlink.core.ClickSink;
import io.shortlink.core.CodeGenerator;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.ShortCode;
import io.shortlink.core.Shortener;
import io.shortlink.core.HostBlocklist;
import io.shortlink.core.TargetScreen;
import io.shortlink.core.UrlPolicy;
import io.shortlink.core.access.ApiKeys;
import io.shortlink.core.access.EnumerationGuard;
import io.shortlink.core.access.RateLimiter;
import io.shortlink.core.access.RequestLimits;
import io.shortlink.core.access.Scope;
import io.shortlink.core.jdbc.JdbcApiKeyStore;
import io.shortlink.events.ClickConsumer;
import io.shortlink.events.ClickPublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The wired service: database, stores, cache, click batcher, and the HTTP resources over them.
 * Opened by {@link Main} and by the server tests alike; closed in dependency order.
 */
final class ShortlinkApp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ShortlinkApp.class.getName());
    /**
     * Aliases this server keeps back: the first segments of its own routes ({@code /api/v1/...},
     * {@code /observe/...}) and lib-core's common ones ({@link ShortCode#RESERVED}).
     */
    static final Set<String> RESERVED_WORDS = union(Set.of("api", "observe"), ShortCode.RESERVED);

    private final ShortlinkConfig config;
    private final Database database;
    private final DbLinkStore store;
    private final LinkResolver resolver;
    /** The cache's Redis tier when configured ({@code shortlink.cache.l2}); {@code null} otherwise. */
    private final RedisLinkTier l2;
    private final ClickSink clicks;
    /** The Kafka consumer when this process runs it; {@code null} otherwise. */
    private final ClickConsumer consumer;
    private final DbClickStats stats;
    /** The front door every HTTP resource adapts. */
    private final Shortener shortener;
    private final ServerMetrics metrics;
    private final ApiKeys keys;
    private final Access access;
    /** The API's token buckets; {@code null} when limits are off. */
    private final BucketRateLimiter limiter;
    private final EnumerationGuard guard;
    private final RedirectService redirects;
    /** The admin key this start issued into an empty key store, if it did (tests use it). */
    private final Optional<ApiKeys.IssuedKey> firstAdminKey;
    private final InstantSource clock;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShortlinkApp(ShortlinkConfig config, Database database, ServerMetrics metrics, InstantSource clock) {
        this.config = config;
        this.database = database;
        this.metrics = metrics;
        this.clock = clock;
        this.store = new DbLinkStore(database.dbClient());
        this.stats = new DbClickStats(database.dbClient());
        // Connects in the background: the server starts (and serves from L1 and the database)
        // while Redis is away.
        this.l2 = config.cacheEnabled() ? config.l2().map(RedisLinkTier::connect).orElse(null) : null;
        this.resolver = !config.cacheEnabled() ? LinkResolver.direct(store) : cache(config, metrics, clock);
        JdbcClickLedger ledger = JdbcClickLedger.builder(database.dataSource())
                .dialect(JdbcClickLedger.Dialect.of(config.database().url()))
                .clock(clock)
                .eventRetention(config.eventRetention())
                .build();
        this.clicks = switch (config.clickMode()) {
            case BATCHED -> ClickBatcher.builder(ledger)
                    .config(config.clicks())
                    .metrics(metrics)
                    .quarantine(ClickQuarantine.toFile(config.quarantineFile()))
                    .start();
            case SYNCHRONOUS -> new SynchronousClickSink(ledger, metrics);
            case KAFKA -> ClickPublisher.builder(config.kafka().publisher()).metrics(metrics).start();
        };
        this.consumer = config.clickMode() == ShortlinkConfig.ClickMode.KAFKA && config.kafka().consumerInProcess()
                ? ClickConsumer.builder(config.kafka().consumer(), ledger).metrics(metrics).start()
                : null;
        if (consumer != null) {
            metrics.watchConsumer(consumer);
        }
        metrics.watchClicks(clicks);
        this.shortener = Shortener.builder()
                .store(store)
                .resolver(resolver)
                .clicks(clicks)
                .stats(stats)
                .policy(UrlPolicy.create(config.urlPolicy()))
                .screen(config.blocklist().file()
                        .<TargetScreen>map(file -> HostBlocklist.watching(file, clock, config.blocklist().checkEvery()))
                        .orElse(TargetScreen.none()))
                .codes(CodeGenerator.secure(config.codeLength()))
                .clock(clock)
                .screenRedirects(config.blocklist().atRedirect())
                .reserved(RESERVED_WORDS)
                .delivery(config.delivery() == ShortlinkConfig.Delivery.ACKED
                        ? Shortener.Delivery.acked(config.ackTimeout()) : Shortener.Delivery.buffered())
                .build();
        this.keys = ApiKeys.over(JdbcApiKeyStore.over(database.dataSource()), clock);
        // Limits are spent only where keys are checked: with authentication off every caller is an admin.
        this.limiter = config.limits().enabled() && config.api().authentication() ? limiter(clock) : null;
        ClientAddresses clients = ClientAddresses.trusting(config.limits().trustedProxies());
        this.access = config.api().authentication()
                ? Access.checking(keys, limits(config.limits(), limiter), clients, config.api().anonymousCreate(),
                        metrics::rateLimited)
                : Access.unchecked();
        ShortlinkConfig.GuardSettings g = config.guard();
        this.guard = g.enabled() ? EnumerationGuard.of(g.misses(), g.window(), g.coolDown(), g.maxClients(), clock)
                : EnumerationGuard.off();
        this.redirects = new RedirectService(shortener, guard, clients);
        metrics.watchAccess(guard, Optional.ofNullable(limiter));
        this.firstAdminKey = config.api().authentication() ? keys.issueFirstAdmin() : Optional.empty();
        firstAdminKey.ifPresent(key -> handOver(key, config.api().adminKeyFile()));
    }

    /**
     * Writes the first admin key's token to {@code file}, readable by this user only, and shows it
     * on the console when there is one (never in the log: logs are collected and kept).
     */
    private static void handOver(ApiKeys.IssuedKey key, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, ".admin-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, key.token() + "\n");
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the first admin key to " + file, e);
        }
        LOG.log(System.Logger.Level.INFO, "event=admin-key-issued id={0} file={1}", key.key().id(), file);
        if (System.console() != null) {
            System.out.println("shortlink: this new database's admin key (shown once; also in " + file + "):\n  "
                    + key.token());
        }
    }

    /** Buckets in Redis when the cache's Redis tier is on (one client for both), in this process otherwise. */
    private BucketRateLimiter limiter(InstantSource clock) {
        if (l2 == null) {
            return BucketRateLimiter.inProcess().clock(clock).build();
        }
        return BucketRateLimiter.shared(l2.client())
                .config(RateLimiterConfig.defaults().withKeyPrefix(l2.config().keyPrefix() + "rl:"))
                .clock(clock)
                .build();
    }

    private static RequestLimits limits(ShortlinkConfig.LimitSettings settings, RateLimiter limiter) {
        if (limiter == null) {
            return RequestLimits.none();
        }
        return RequestLimits.builder(limiter)
                .perClient(settings.perClient())
                .perKey(settings.perKey())
                .anonymousCreate(settings.anonymousCreate())
                .limitAdmins(settings.limitAdmins())
                .build();
    }

    private TieredLinkCache cache(ShortlinkConfig config, ServerMetrics metrics, InstantSource clock) {
        TieredLinkCache.Builder cache = TieredLinkCache.builder(store).config(config.cache()).metrics(metrics).clock(clock);
        if (l2 != null) {
            cache.l2(l2);
        }
        return cache.build();
    }

    static ShortlinkApp open(ShortlinkConfig config, ServerMetrics metrics, InstantSource clock) {
        return new ShortlinkApp(config, Database.open(config.database()), metrics, clock);
    }

    /** Every resource of the service; shared by {@link Main} and the tests. */
    void routing(HttpRouting.Builder routing) {
        routing.addFilter(metrics::timeRequest);
        Problems.register(routing);
        routing.register("/api/v1/links", new LinksService(shortener, config, access))
                .register("/api/v1/stats", new StatsService(shortener, access))
                .register("/api/v1/keys", new KeysService(keys, access, config, clock))
                .register("/", redirects)
                .register("/observe/metrics", new MetricsEndpoint(metrics.registry(), config.api().metricsNeedKey()
                        ? (req, res) -> access.require(req, res, Scope.METRICS_READ)
                        : (req, res) -> { }));
        // No catch-all route here: it would shadow the observe feature's routes, which Helidon
        // adds after ours. An unrouted path ends in Helidon's NotFoundException, which
        // Problems maps to a not-found problem.
    }

    /**
     * Health: readiness includes the database and turns DOWN while draining. Metrics are not an
     * observer here but {@link MetricsEndpoint}, in {@link #routing}.
     */
    ObserveFeature observeFeature() {
        HealthObserver health = HealthObserver.builder()
                .details(true)
                .useSystemServices(false)
                .addCheck(() -> HealthCheckResponse.builder()
                        .status(!draining.get())
                        .detail("draining", draining.get())
                        .build(), HealthCheckType.READINESS, "accepting")
                .addCheck(() -> HealthCheckResponse.builder()
                        .status(database.isReachable())
                        .build(), HealthCheckType.READINESS, "database")
                // Always UP: a backlog is what the click path is for while the database is away;
                // the details say how big and how old it is.
                .addCheck(() -> {
                    ClickSink.Backlog backlog = clicks.backlog();
                    return HealthCheckResponse.builder()
                            .status(true)
                            .detail("backlog", backlog.clicks())
                            .detail("oldestMs", backlog.oldestAge().toMillis())
                            .build();
                }, HealthCheckType.READINESS, "clicks")
                .build();
        return ObserveFeature.just(health);
    }

    ShortlinkConfig config() {
        return config;
    }

    /** The admin key this start issued into an empty key store, if it did. */
    Optional<ApiKeys.IssuedKey> firstAdminKey() {
        return firstAdminKey;
    }

    /** The front door (tests of several instances drive one without HTTP). */
    Shortener shortener() {
        return shortener;
    }

    /** The API's token buckets, when limits are on (tests look at where they live). */
    Optional<BucketRateLimiter> limiter() {
        return Optional.ofNullable(limiter);
    }

    /** The redirect's enumeration guard (tests read its counts). */
    EnumerationGuard guard() {
        return guard;
    }

    /** The API keys (tests issue and revoke them directly). */
    ApiKeys keys() {
        return keys;
    }

    /** The link store (tests seed and inspect it directly). */
    DbLinkStore store() {
        return store;
    }

    /** The pool and schema (tests take it down to see the service degrade). */
    Database database() {
        return database;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Click statistics (tests read them directly). */
    DbClickStats stats() {
        return stats;
    }

    /** For tests and shutdown: waits until every click accepted so far is in the database. */
    ClickSink clicks() {
        return clicks;
    }

    /** Readiness turns DOWN; requests are still served. First step of a graceful shutdown. */
    void startDraining() {
        draining.set(true);
    }

    /** Flushes the clicks, then closes the pool. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        try {
            clicks.close();
        } finally {
            if (consumer != null) {
                consumer.close();
            }
            if (l2 != null) {
                l2.close();
            }
            database.close();
        }
        LOG.log(System.Logger.Level.INFO, "event=closed");
    }
}
