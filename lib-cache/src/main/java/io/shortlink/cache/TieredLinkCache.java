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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link LinkResolver} that remembers links in process (L1, Caffeine), optionally in Redis
 * behind it (L2, {@link RedisLinkTier}), in front of a {@link LinkStore}. A resolve asks L1; on a
 * miss one load asks L2, then on an L2 miss the store, and writes the answer back to both.
 *
 * <p>Contract, beyond {@link LinkResolver}'s:
 * <ul>
 *   <li>Thread-safe. A hit never blocks. Concurrent misses of one code wait for a single load:
 *       one L2 read and at most one call of {@link LinkStore#find(ShortCode)} per process, and
 *       share its answer.</li>
 *   <li>A found link is remembered for {@link CacheConfig#l1Ttl()} (less up to
 *       {@value #TTL_JITTER_PERCENT} % at random), an unknown code for
 *       {@link CacheConfig#negativeTtl()}, both counted from the end of the load; reads do not
 *       extend them. In L2 the lifetimes of {@link RedisTierConfig} apply.</li>
 *   <li>A link still read in the last {@value #REFRESH_WINDOW_PERCENT} % of its L1 lifetime
 *       is loaded again in the background (one load per code at a time, on a virtual thread)
 *       while the hit answers at once: a hot link is not missed when its lifetime ends. The new
 *       answer replaces the entry only if nothing invalidated or replaced it meanwhile. If the
 *       store cannot answer that reload, the entry is kept for another lifetime: while the
 *       database is down, links being read keep redirecting as they were (a change needs the
 *       database too, and its invalidation still removes the entry).</li>
 *   <li>A link is returned as it was loaded, {@code expiresAt} and {@code deletedAt} included,
 *       and may stay cached past its {@code expiresAt}: callers decide with
 *       {@link Link#stateAt(Instant)} at their own "now", never by presence in the cache.</li>
 *   <li>{@link #invalidate(ShortCode)} after a create or delete cannot be undone by a load that
 *       was in flight when it was called: that load's answer still goes to the callers already
 *       waiting for it, but is not remembered, here or in L2. With an L2 it also reaches the L1
 *       of every instance sharing it (see {@link RedisLinkTier} for the bounds); it waits for
 *       Redis at most twice {@link RedisTierConfig#longestWait()}.</li>
 *   <li>A {@link StoreUnavailableException} (or any other exception) from the store is thrown to
 *       the caller that loaded and to every caller waiting on that load (the same instance), and
 *       is not remembered in either tier: the next resolve asks again. Redis failing is never
 *       thrown: a read that fails or times out is a miss.</li>
 *   <li>Reports {@code metrics.cacheLookup("l1", hit)} once per resolve (a caller that waits on
 *       another's load counts as a miss); on a load, {@code cacheLookup("l2", hit)} when L2 was
 *       read and {@code cacheLoadTime} per source asked.</li>
 * </ul>
 */
public final class TieredLinkCache implements LinkResolver {
    /** How much shorter than {@link CacheConfig#l1Ttl()} a found link's L1 lifetime may be, at random. */
    public static final int TTL_JITTER_PERCENT = 20;
    /** A hit in the last this-many percent of the shortest lifetime starts a background reload. */
    static final int REFRESH_WINDOW_PERCENT = 25;
    private static final String L1 = "l1";
    private static final String STORE = "store";

    private final LinkStore store;
    private final MetricsListener metrics;
    // Futures, not values: a miss registers its load as a future that later misses of the same
    // code wait on, outside any lock. A synchronous Caffeine cache loads inside the map's per-key
    // lock, and when that load throws, each waiter then retries the store in turn, one timeout
    // after another; here they all get the one failure at once.
    private final AsyncCache<ShortCode, Lookup> l1;
    private final SecondTier l2;
    /** L1's clock: entry lifetimes and refresh windows are read on it. */
    private final Ticker ticker;
    /** Codes being reloaded in the background, so that a hot code has one reload at a time. */
    private final Set<ShortCode> refreshing = ConcurrentHashMap.newKeySet();

    private TieredLinkCache(Builder builder) {
        this.store = builder.store;
        this.metrics = builder.metrics;
        CacheConfig config = builder.config;
        this.l1 = Caffeine.newBuilder()
                .maximumSize(config.l1MaxEntries())
                .expireAfter(new Lifetimes(config))
                .ticker(builder.ticker)
                // Eviction and expiry housekeeping runs on the calling thread instead of
                // ForkJoinPool.commonPool(): that pool has one worker on a 2-core machine and is
                // shared with whatever else the server runs, while the work itself is amortized
                // and small. It also makes expiry deterministic under a test clock.
                .executor(Runnable::run)
                .buildAsync();
        this.ticker = builder.ticker;
        AsyncCache<ShortCode, Lookup> first = l1;
        this.l2 = builder.l2 == null ? SecondTier.NONE : builder.l2.attach(new FirstTier() {
            @Override
            public void invalidate(ShortCode code) {
                first.synchronous().invalidate(code);
            }

            @Override
            public boolean invalidateAll() {
                boolean held = first.synchronous().estimatedSize() > 0;
                first.synchronous().invalidateAll();
                return held;
            }
        }, metrics, builder.clock);
    }

    /**
     * L1's lifetimes. A found link lives {@code l1Ttl} shortened by up to
     * {@value #TTL_JITTER_PERCENT} % at random, each entry its own: links loaded together (a
     * warm-up, a restart, the hot set after a flush) would otherwise expire together and miss
     * together -- measured on the phase-2 stack, 1,000 hot links loaded at once missed at once
     * every 30 s, and the storm of reads behind a saturated CPU took the p99.9 of redirects to
     * 0.8-0.9 s. Its last {@value #REFRESH_WINDOW_PERCENT} % of the shortest lifetime is its
     * refresh window, marked on the link as the lifetime is given. An unknown code lives
     * {@code negativeTtl}; a failure is expired on arrival (only the callers already waiting see it).
     */
    private static final class Lifetimes implements Expiry<ShortCode, Lookup> {
        private final long ttlNanos;
        private final long negativeTtlNanos;
        private final long refreshWindowNanos;

        Lifetimes(CacheConfig config) {
            this.ttlNanos = config.l1Ttl().toNanos();
            this.negativeTtlNanos = config.negativeTtl().toNanos();
            this.refreshWindowNanos = ttlNanos * (100 - TTL_JITTER_PERCENT) / 100 * REFRESH_WINDOW_PERCENT / 100;
        }

        @Override
        public long expireAfterCreate(ShortCode code, Lookup lookup, long now) {
            return switch (lookup) {
                case Lookup.Found found -> {
                    long jitter = (long) (ttlNanos * (TTL_JITTER_PERCENT / 100.0) * ThreadLocalRandom.current().nextDouble());
                    long lifetime = ttlNanos - jitter;
                    found.refreshFrom(now + lifetime - refreshWindowNanos);
                    yield lifetime;
                }
                case Lookup.Absent absent -> negativeTtlNanos;
                case Lookup.Failed failed -> 0;
            };
        }

        /** A replaced entry (a reload) starts a new lifetime. */
        @Override
        public long expireAfterUpdate(ShortCode code, Lookup lookup, long now, long currentDuration) {
            return expireAfterCreate(code, lookup, now);
        }

        @Override
        public long expireAfterRead(ShortCode code, Lookup lookup, long now, long currentDuration) {
            return currentDuration;
        }
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
            Lookup lookup = await(cached);
            if (lookup instanceof Lookup.Found found && found.refreshDue(ticker.read())) {
                refresh(code, cached);
            }
            return answer(lookup);
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
        Objects.requireNonNull(code, "code");
        // L2 first. The other order leaves a window: a resolve here that misses the emptied L1
        // could read the old value from L2 before the tombstone lands and keep it in L1 (until
        // our own message comes back). This way a load that read L2 before the tombstone is
        // still in flight in L1 when L1 is invalidated, and is not remembered.
        l2.invalidate(code);
        l1.synchronous().invalidate(code);
    }

    /**
     * Reloads {@code code} in the background (a read found its entry in its refresh window,
     * see {@link Lifetimes}): the reload reads L2 then the store like a miss, and its
     * answer replaces {@code current} only if L1 still holds exactly it (an invalidation or a load
     * in between wins). A reload the store could not answer puts {@code current}'s link back for
     * another lifetime instead of letting the entry end into a miss that could only fail.
     */
    private void refresh(ShortCode code, CompletableFuture<Lookup> current) {
        if (!refreshing.add(code)) {
            return;
        }
        Thread.ofVirtual().name("l1-refresh").start(() -> {
            try {
                Lookup fresh = loadThroughL2(code);
                Lookup kept = fresh instanceof Lookup.Failed ? current.join() : fresh;
                l1.asMap().replace(code, current, CompletableFuture.completedFuture(kept));
            } finally {
                refreshing.remove(code);
            }
        });
    }

    /** For tests: whether a background reload is running. */
    boolean refreshingAnything() {
        return !refreshing.isEmpty();
    }

    private Lookup load(ShortCode code, CompletableFuture<Lookup> mine) {
        Lookup result;
        try {
            result = loadThroughL2(code);
        } catch (Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
        mine.complete(result);
        if (result instanceof Lookup.Failed) {
            // Already invisible (expired on arrival); this frees the slot before housekeeping does.
            l1.asMap().remove(code, mine);
        }
        return result;
    }

    private Lookup loadThroughL2(ShortCode code) {
        SecondTier.Read read = l2.read(code);
        if (read instanceof SecondTier.Read.Hit hit) {
            return hit.lookup();
        }
        Lookup found = find(code);
        // Never a failure: an unknown code is remembered only when the store said so.
        if (read == SecondTier.Read.Miss.EMPTY && !(found instanceof Lookup.Failed)) {
            l2.fill(code, found);
        }
        return found;
    }

    private Lookup find(ShortCode code) {
        long start = System.nanoTime();
        try {
            return store.find(code).<Lookup>map(Lookup.Found::new).orElse(Lookup.Absent.INSTANCE);
        } catch (RuntimeException e) {
            // Completing normally keeps the failure out of Caffeine, which would log every failed
            // load with its stack trace: during an outage, thousands a second.
            return new Lookup.Failed(e);
        } finally {
            metrics.cacheLoadTime(STORE, Duration.ofNanos(System.nanoTime() - start));
        }
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
            case Lookup.Found found -> Optional.of(found.link());
            case Lookup.Absent absent -> Optional.empty();
            case Lookup.Failed failed -> throw failed.cause();
        };
    }

    /**
     * Configures a {@link TieredLinkCache}. Not thread-safe; {@link #build()} may be called more
     * than once, but an {@link #l2} tier serves one cache only.
     */
    public static final class Builder {
        private final LinkStore store;
        private CacheConfig config = CacheConfig.defaults();
        private MetricsListener metrics = MetricsListener.noop();
        private Ticker ticker = ClockNanos.elapsed(InstantSource.system());
        // The L2's clock (its breaker's open time, the age of pending invalidations).
        private InstantSource clock = InstantSource.system();
        private RedisLinkTier l2;

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
         * passed here makes lifetimes follow its steps; {@link InstantSource#system()} keeps the
         * monotonic timer (a host that passes its clock everywhere pays nothing for it, see
         * {@link ClockNanos#elapsed}).
         */
        public Builder clock(InstantSource clock) {
            Objects.requireNonNull(clock, "clock");
            this.ticker = ClockNanos.elapsed(clock);
            this.clock = clock;
            return this;
        }

        /**
         * Puts {@code tier} between L1 and the store; without it the cache has L1 only. Beside an
         * L2, keep L1 short ({@link CacheConfig#twoTierDefaults()}): it bounds how long other
         * instances may serve a changed link while Redis is down. The tier is bound to the cache
         * {@link #build()} makes; you close it.
         */
        public Builder l2(RedisLinkTier tier) {
            this.l2 = Objects.requireNonNull(tier, "tier");
            return this;
        }

        public TieredLinkCache build() {
            return new TieredLinkCache(this);
        }
    }
}
