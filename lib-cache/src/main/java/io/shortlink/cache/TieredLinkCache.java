package io.shortlink.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.LinkStore;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A {@link LinkResolver} that remembers links in process (L1, Caffeine) in front of a
 * {@link LinkStore}. A Redis tier (L2) between the two comes in a later phase.
 *
 * <p>Contract, beyond {@link LinkResolver}'s:
 * <ul>
 *   <li>Thread-safe. A hit never blocks. Concurrent misses of one code wait for
 *       a single call of {@link LinkStore#find(ShortCode)} and share its answer.</li>
 *   <li>A found link is remembered for {@link CacheConfig#l1Ttl()}, an unknown code for
 *       {@link CacheConfig#negativeTtl()}, both counted from the end of the load; reads do not
 *       extend them.</li>
 *   <li>A link is returned as it was loaded, {@code expiresAt} and {@code deletedAt} included,
 *       and may stay cached past its {@code expiresAt}: callers decide with
 *       {@link Link#stateAt(Instant)} at their own "now", never by presence in the cache.</li>
 *   <li>{@link #invalidate(ShortCode)} after a create or delete cannot be undone by a load that
 *       was in flight when it was called: that load's answer still goes to the callers already
 *       waiting for it, but is not remembered.</li>
 *   <li>A {@link StoreUnavailableException} (or any other exception) from the store is thrown to
 *       the caller that loaded and to every caller waiting on that load (the same instance), and
 *       is not remembered: the next resolve asks the store again.</li>
 *   <li>Reports {@code metrics.cacheLookup("l1", hit)} once per resolve; a caller that waits on
 *       another's load counts as a miss.</li>
 * </ul>
 */
public final class TieredLinkCache implements LinkResolver {
    private static final String L1 = "l1";

    private final LinkStore store;
    private final MetricsListener metrics;
    // Futures, not values: a miss registers its load as a future that later misses of the same
    // code wait on, outside any lock. A synchronous Caffeine cache loads inside the map's per-key
    // lock, and when that load throws, each waiter then retries the store in turn, one timeout
    // after another; here they all get the one failure at once.
    private final AsyncCache<ShortCode, Lookup> l1;

    private TieredLinkCache(Builder builder) {
        this.store = builder.store;
        this.metrics = builder.metrics;
        CacheConfig config = builder.config;
        this.l1 = Caffeine.newBuilder()
                .maximumSize(config.l1MaxEntries())
                .expireAfter(Expiry.<ShortCode, Lookup>writing((code, lookup) -> switch (lookup) {
                    case Found found -> config.l1Ttl();
                    case Absent absent -> config.negativeTtl();
                    // Expired on arrival: only the callers already waiting see a failure.
                    case Failed failed -> Duration.ZERO;
                }))
                .ticker(builder.ticker)
                // Eviction and expiry housekeeping runs on the calling thread instead of
                // ForkJoinPool.commonPool(): that pool has one worker on a 2-core machine and is
                // shared with whatever else the server runs, while the work itself is amortized
                // and small. It also makes expiry deterministic under a test clock.
                .executor(Runnable::run)
                .buildAsync();
    }

    /** Starts a cache in front of {@code store}, with {@link CacheConfig#defaults()}. */
    public static Builder builder(LinkStore store) {
        return new Builder(store);
    }

    @Override
    public Optional<Link> resolve(ShortCode code) {
        Objects.requireNonNull(code, "code");
        CompletableFuture<Lookup> cached = l1.getIfPresent(code);
        if (cached != null && cached.isDone()) {
            metrics.cacheLookup(L1, true);
            return answer(await(cached));
        }
        metrics.cacheLookup(L1, false);
        CompletableFuture<Lookup> mine = new CompletableFuture<>();
        CompletableFuture<Lookup> shared = l1.get(code, (key, executor) -> mine);
        if (shared != mine) {
            return answer(await(shared));
        }
        return answer(load(code, mine));
    }

    @Override
    public void invalidate(ShortCode code) {
        l1.synchronous().invalidate(Objects.requireNonNull(code, "code"));
    }

    private Lookup load(ShortCode code, CompletableFuture<Lookup> mine) {
        Lookup result;
        try {
            result = store.find(code).<Lookup>map(Found::new).orElse(Absent.INSTANCE);
        } catch (RuntimeException e) {
            // Completing normally keeps the failure out of Caffeine, which would log every failed
            // load with its stack trace: during an outage, thousands a second.
            result = new Failed(e);
        } catch (Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
        mine.complete(result);
        if (result instanceof Failed) {
            // Already invisible (expired on arrival); this frees the slot before housekeeping does.
            l1.asMap().remove(code, mine);
        }
        return result;
    }

    private static Lookup await(CompletableFuture<Lookup> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            // Only an Error completes a load exceptionally (see load).
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static Optional<Link> answer(Lookup lookup) {
        return switch (lookup) {
            case Found found -> Optional.of(found.link());
            case Absent absent -> Optional.empty();
            case Failed failed -> throw failed.cause();
        };
    }

    /** What one load of the store found out. */
    private sealed interface Lookup permits Found, Absent, Failed {
    }

    private record Found(Link link) implements Lookup {
    }

    private enum Absent implements Lookup {
        INSTANCE
    }

    private record Failed(RuntimeException cause) implements Lookup {
    }

    /** Configures a {@link TieredLinkCache}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private final LinkStore store;
        private CacheConfig config = CacheConfig.defaults();
        private MetricsListener metrics = MetricsListener.noop();
        // Caffeine's own ticker reads System.nanoTime(): monotonic, so a wall-clock step (NTP,
        // a VM resume) neither expires the whole cache at once nor keeps entries too long.
        private Ticker ticker = Ticker.systemTicker();

        private Builder(LinkStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        public Builder config(CacheConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder metrics(MetricsListener metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Measures entry lifetimes on {@code clock} instead of the JVM's monotonic nanosecond
         * timer; meant for tests, which move a fake clock instead of sleeping. A wall clock
         * passed here makes lifetimes follow its steps.
         */
        public Builder clock(InstantSource clock) {
            Objects.requireNonNull(clock, "clock");
            this.ticker = () -> toNanos(clock.instant());
            return this;
        }

        public TieredLinkCache build() {
            return new TieredLinkCache(this);
        }

        // Epoch nanoseconds fit a long until the year 2262; Caffeine compares ticker readings by
        // difference, so only their distance matters.
        private static long toNanos(Instant at) {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
        }
    }
}
