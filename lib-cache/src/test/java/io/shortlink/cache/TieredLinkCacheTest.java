package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.testing.CountingMetrics;
import io.shortlink.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class TieredLinkCacheTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration L1_TTL = Duration.ofMinutes(10);
    /** L1_TTL less the largest jitter: every found link is kept at least this long. */
    private static final Duration SHORTEST_LIFETIME = L1_TTL.multipliedBy(100 - TieredLinkCache.TTL_JITTER_PERCENT).dividedBy(100);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);
    private static final ShortCode CODE = new ShortCode("aB3dE7x");

    private final InMemoryLinkStore store = new InMemoryLinkStore();
    private final ManualClock clock = new ManualClock(START);
    private final CountingMetrics metrics = new CountingMetrics();
    private final TieredLinkCache cache = TieredLinkCache.builder(store)
            .config(new CacheConfig(1_000, L1_TTL, NEGATIVE_TTL))
            .metrics(metrics)
            .clock(clock)
            .build();

    @Test
    void resolve_loadsFromStoreOnce_thenAnswersFromL1() {
        Link link = createLink(CODE);

        assertEquals(Optional.of(link), cache.resolve(CODE));
        assertEquals(Optional.of(link), cache.resolve(CODE));

        assertEquals(1, store.finds());
    }

    @Test
    void resolve_reportsAMiss_thenAHit() {
        createLink(CODE);

        cache.resolve(CODE);
        cache.resolve(CODE);

        assertEquals(List.of("l1:miss", "l1:hit"), metrics.lookups());
    }

    @Test
    void resolve_returnsEmpty_forACodeTheStoreDoesNotKnow() {
        assertEquals(Optional.empty(), cache.resolve(CODE));
    }

    @Test
    void resolve_remembersAnUnknownCode_withinNegativeTtl() {
        createdBehindACachedAbsence();
        clock.advance(NEGATIVE_TTL.minusMillis(1));

        assertEquals(Optional.empty(), cache.resolve(CODE));
        assertEquals(1, store.finds());
    }

    @Test
    void resolve_asksTheStoreAgain_onceNegativeTtlHasPassed() {
        Link link = createdBehindACachedAbsence();
        clock.advance(NEGATIVE_TTL);

        assertResolvedFromTheStoreAgain(link);
    }

    @Test
    void resolve_keepsAFoundLink_forLongerThanNegativeTtl() {
        linkInL1();
        clock.advance(SHORTEST_LIFETIME.minusMillis(1));

        cache.resolve(CODE);

        // A hit (a background reload may start now: the link is in its refresh window).
        assertEquals("l1:hit", metrics.lookups().getLast());
    }

    @Test
    void resolve_reloadsAFoundLink_onceL1TtlHasPassed() {
        linkInL1();
        store.delete(CODE, START.plusSeconds(1)); // elsewhere, without invalidating this cache
        clock.advance(L1_TTL);

        Optional<Link> reloaded = cache.resolve(CODE);

        assertEquals(2, store.finds());
        assertEquals(Link.State.DELETED, reloaded.orElseThrow().stateAt(clock.instant()));
    }

    @Test
    void resolve_doesNotExtendAnEntrysLifetime_whenItIsRead() {
        linkInL1();
        clock.advance(SHORTEST_LIFETIME.dividedBy(2)); // before the window in which a read reloads it
        cache.resolve(CODE);
        assertEquals(1, store.finds(), "still cached");
        clock.advance(L1_TTL.minus(SHORTEST_LIFETIME.dividedBy(2)));

        cache.resolve(CODE);

        assertEquals(2, store.finds());
    }

    @Test
    void aLinkStillReadNearTheEndOfItsLifetime_isReloadedInTheBackground_andNotMissed() {
        linkInL1();
        clock.advance(SHORTEST_LIFETIME.minusMillis(1));

        assertTrue(cache.resolve(CODE).isPresent());
        Await.until("a background reload", Duration.ofSeconds(5), () -> store.finds() == 2 && !cache.refreshingAnything());
        clock.advance(SHORTEST_LIFETIME.dividedBy(2));

        assertTrue(cache.resolve(CODE).isPresent());
        assertEquals(2, store.finds(), "the reload renewed the entry's lifetime: no miss past the old one");
    }

    @Test
    void aLinkStillRead_keepsRedirecting_whileTheStoreIsDown() {
        Link link = linkInL1();
        store.failWith(new StoreUnavailableException("down", null));
        clock.advance(SHORTEST_LIFETIME.minusMillis(1));

        assertEquals(Optional.of(link), cache.resolve(CODE));
        Await.until("the failed reload to end", Duration.ofSeconds(5), () -> store.finds() == 2 && !cache.refreshingAnything());
        clock.advance(L1_TTL.minus(SHORTEST_LIFETIME).plus(SHORTEST_LIFETIME.dividedBy(2)));

        assertEquals(Optional.of(link), cache.resolve(CODE), "kept for another lifetime, past its first");
    }

    @Test
    void aBackgroundReload_isNotKept_whenTheCodeWasInvalidatedMeanwhile() throws InterruptedException {
        linkInL1();
        clock.advance(SHORTEST_LIFETIME.minusMillis(1));
        InMemoryLinkStore.Gate gate = store.holdFinds();
        cache.resolve(CODE);
        gate.awaitEntered(); // the reload has read the link as active and is on its way back

        store.delete(CODE, clock.instant());
        cache.invalidate(CODE);
        gate.open();
        Await.until("the reload to end", Duration.ofSeconds(5), () -> !cache.refreshingAnything());

        assertEquals(Link.State.DELETED, cache.resolve(CODE).orElseThrow().stateAt(clock.instant()));
    }

    @Test
    void linksLoadedTogether_doNotExpireTogether() {
        List<ShortCode> codes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ShortCode code = new ShortCode("spread" + i);
            store.create(Link.created(code, "https://example.com/" + i, START, Optional.empty()));
            codes.add(code);
            cache.resolve(code);
        }
        clock.advance(SHORTEST_LIFETIME.plus(L1_TTL).dividedBy(2));
        int lookupsBefore = metrics.lookups().size();

        codes.forEach(cache::resolve);

        // Misses only: the links still held are in their refresh window and reload in the background.
        long missed = metrics.lookups().subList(lookupsBefore, metrics.lookups().size()).stream()
                .filter("l1:miss"::equals).count();
        assertTrue(missed > 0 && missed < codes.size(),
                "halfway through the jitter window some expired, not all: " + missed + " of " + codes.size());
    }

    @Test
    void resolve_returnsALinkPastItsExpiry_asItWasLoaded() {
        Instant expiresAt = START.plusSeconds(30);
        Link link = Link.created(CODE, "https://example.com/a", START, Optional.of(expiresAt));
        store.create(link);
        cache.resolve(CODE);
        clock.advance(Duration.ofMinutes(1));

        Optional<Link> resolved = cache.resolve(CODE);

        assertEquals(Optional.of(link), resolved);
        assertEquals(1, store.finds());
        assertEquals(Link.State.EXPIRED, resolved.orElseThrow().stateAt(clock.instant()));
    }

    @Test
    void invalidate_makesTheNextResolveReadTheStore() {
        linkInL1();
        Link deleted = store.delete(CODE, START.plusSeconds(1)).orElseThrow();

        cache.invalidate(CODE);

        assertResolvedFromTheStoreAgain(deleted);
    }

    @Test
    void invalidate_endsAKnownAbsence_afterACreate() {
        Link link = createdBehindACachedAbsence();

        cache.invalidate(CODE);

        assertEquals(Optional.of(link), cache.resolve(CODE));
    }

    @Test
    void invalidate_duringAnInFlightLoad_keepsThatLoadsAnswerOutOfL1() throws Exception {
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> inFlight = Resolves.onAnotherThread(cache, CODE);
        gate.awaitEntered(); // the load has read "absent" and not yet answered

        Link link = createLink(CODE);
        cache.invalidate(CODE);
        gate.open();

        assertEquals(Optional.empty(), inFlight.get(10, TimeUnit.SECONDS));
        assertResolvedFromTheStoreAgain(link);
    }

    @Test
    void resolve_callsTheStoreOnce_forConcurrentMissesOfOneCode() throws Exception {
        Link link = createLink(CODE);
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> first = Resolves.onAnotherThread(cache, CODE);
        gate.awaitEntered();
        List<CompletableFuture<Optional<Link>>> waiters = Resolves.waitingBehindTheLoad(cache, CODE, 8);

        gate.open();

        assertEquals(Optional.of(link), first.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<Optional<Link>> waiter : waiters) {
            assertEquals(Optional.of(link), waiter.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, store.finds());
    }

    @Test
    void resolve_rethrowsAStoreFailure_andDoesNotRememberIt() {
        StoreUnavailableException down = new StoreUnavailableException("database down", null);
        store.failWith(down);

        assertSame(down, assertThrows(StoreUnavailableException.class, () -> cache.resolve(CODE)));

        store.recover();
        Link link = createLink(CODE);
        assertResolvedFromTheStoreAgain(link);
    }

    @Test
    void resolve_sharesOneStoreFailure_withConcurrentMissesOfOneCode() throws Exception {
        StoreUnavailableException down = new StoreUnavailableException("database down", null);
        store.failWith(down);
        InMemoryLinkStore.Gate gate = store.holdFinds();
        CompletableFuture<Optional<Link>> first = Resolves.onAnotherThread(cache, CODE);
        gate.awaitEntered();
        List<CompletableFuture<Optional<Link>>> waiters = Resolves.waitingBehindTheLoad(cache, CODE, 8);

        gate.open();

        assertSame(down, Resolves.failureOf(first));
        for (CompletableFuture<Optional<Link>> waiter : waiters) {
            assertSame(down, Resolves.failureOf(waiter));
        }
        assertEquals(1, store.finds());
    }

    @Test
    void builder_withoutOptions_givesAWorkingCache() {
        Link link = createLink(CODE);
        TieredLinkCache plain = TieredLinkCache.builder(store).build();

        assertEquals(Optional.of(link), plain.resolve(CODE));
        assertEquals(Optional.of(link), plain.resolve(CODE));
        assertEquals(1, store.finds());
    }

    /** Creates a link for CODE and resolves it once, so that L1 holds it. */
    private Link linkInL1() {
        Link link = createLink(CODE);
        cache.resolve(CODE);
        return link;
    }

    /**
     * Resolves CODE while the store does not know it, so that L1 holds its absence, then creates the
     * link elsewhere, without invalidating this cache.
     */
    private Link createdBehindACachedAbsence() {
        cache.resolve(CODE);
        return createLink(CODE);
    }

    /** The next resolve of CODE answers {@code expected}, found by a second read of the store. */
    private void assertResolvedFromTheStoreAgain(Link expected) {
        assertEquals(Optional.of(expected), cache.resolve(CODE));
        assertEquals(2, store.finds());
    }

    private Link createLink(ShortCode code) {
        Link link = Link.created(code, "https://example.com/" + code, START, Optional.empty());
        store.create(link);
        return link;
    }
}
