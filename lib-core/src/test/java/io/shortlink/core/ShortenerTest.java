package io.shortlink.core;

import io.shortlink.core.memory.InMemoryStore;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The front door's rules, over the in-memory store and a real {@link ClickBatcher}. */
final class ShortenerTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:30Z");

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final ClickBatcher clicks = ClickBatcher.builder(store).start();
    private final RememberingResolver cache = new RememberingResolver(store);
    private final Shortener shortener = Shortener.builder()
            .store(store).stats(store).clicks(clicks).resolver(cache).clock(clock).build();

    @AfterEach
    void close() {
        clicks.close();
    }

    private long clicksOf(ShortCode code) throws InterruptedException {
        assertTrue(clicks.flush(Duration.ofSeconds(5)));
        return shortener.details(code).totalClicks();
    }

    @Test
    void create_thenFollow_redirectsToTheTarget_andCountsTheClick() throws InterruptedException {
        Link link = shortener.create(NewLink.to("https://example.org/a"));

        Redirect redirect = shortener.follow(link.code());

        assertEquals("https://example.org/a", assertInstanceOf(Redirect.To.class, redirect).link().url());
        assertEquals(1, clicksOf(link.code()));
        assertEquals(CodeGenerator.DEFAULT_LENGTH, link.code().value().length());
    }

    @Test
    void peek_answersAsFollowDoes_withoutCountingAClick() throws InterruptedException {
        Link link = shortener.create(NewLink.to("https://example.org/peek"));

        assertInstanceOf(Redirect.To.class, shortener.peek(link.code().value()));
        assertEquals(0, clicksOf(link.code()));
    }

    @Test
    void create_withAlias_usesIt_andATakenAliasIsRefused() {
        Link link = shortener.create(NewLink.to("https://example.org/b").withAlias("launch"));

        assertEquals("launch", link.code().value());
        assertThrows(LinkStore.CodeTakenException.class,
                () -> shortener.create(NewLink.to("https://example.org/c").withAlias("launch")));
    }

    @Test
    void create_refusesBadInput_namingTheRule() {
        assertEquals(InputRule.URL_SCHEME_NOT_ALLOWED, rule(() -> shortener.create(NewLink.to("ftp://example.org/"))));
        assertEquals(InputRule.ALIAS_RESERVED,
                rule(() -> shortener.create(NewLink.to("https://example.org/").withAlias("api"))));
        assertEquals(InputRule.EXPIRY_INVALID,
                rule(() -> shortener.create(NewLink.to("https://example.org/").expiringAt(T0))));
        assertEquals(0, store.totals().links(), "nothing stored");
    }

    @Test
    void reservedWords_areTheHostsToGive() {
        Shortener host = Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock)
                .reserved(java.util.Set.of("Dashboard")).build();

        assertEquals(InputRule.ALIAS_RESERVED, rule(() -> host.create(NewLink.to("https://example.org/").withAlias("dashboard"))));
        assertEquals("docs", host.create(NewLink.to("https://example.org/docs").withAlias("docs")).code().value(),
                "not reserved by this host");
    }

    @Test
    void create_drawsAgain_whenAGeneratedCodeIsTaken() {
        CodeGenerator sameDraws = CodeGenerator.using(new SplittableRandom(7), 7);
        takeNext(sameDraws, 2);

        Link link = drawingFrom(7).create(NewLink.to("https://example.org/third"));

        assertEquals(sameDraws.next(), link.code(), "the third draw, after two taken");
    }

    @Test
    void create_givesUp_afterFiveTakenDraws_sayingWhy() {
        takeNext(CodeGenerator.using(new SplittableRandom(11), 7), Shortener.MAX_CODE_ATTEMPTS);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> drawingFrom(11).create(NewLink.to("https://example.org/full")));
        assertTrue(e.getMessage().contains("nearly full"), e.getMessage());
    }

    private void takeNext(CodeGenerator codes, int n) {
        for (int i = 0; i < n; i++) {
            store.create(Link.created(codes.next(), "https://example.org/taken", T0, Optional.empty()));
        }
    }

    private Shortener drawingFrom(long seed) {
        return Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock)
                .codes(CodeGenerator.using(new SplittableRandom(seed), 7)).build();
    }

    @Test
    void follow_ofAnUnknownOrUnparsableCode_isUnknown() {
        assertInstanceOf(Redirect.Unknown.class, shortener.follow("NoSuchCode1"));
        assertInstanceOf(Redirect.Unknown.class, shortener.follow("not a code!"));
    }

    @Test
    void follow_ofAnExpiredOrDeletedLink_isGone_andCountsNothing() throws InterruptedException {
        Link expiring = shortener.create(NewLink.to("https://example.org/e").expiringAt(T0.plusSeconds(60)));
        Link deleted = shortener.create(NewLink.to("https://example.org/d"));
        shortener.delete(deleted.code().value());
        clock.advance(Duration.ofMinutes(2));

        assertEquals(Link.State.EXPIRED, assertInstanceOf(Redirect.Gone.class, shortener.follow(expiring.code())).state());
        assertEquals(Link.State.DELETED, assertInstanceOf(Redirect.Gone.class, shortener.follow(deleted.code())).state());
        assertEquals(0, clicksOf(expiring.code()));
    }

    @Test
    void aTargetBlockedAfterItsLinkWasMade_stopsRedirecting_onlyWhenRedirectsAreScreened()
            throws InterruptedException {
        java.util.Set<String> blocked = new java.util.HashSet<>();
        TargetScreen screen = url -> blocked.stream().filter(url::contains).findFirst().map(h -> "listed: " + h);
        Shortener screening = Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock)
                .screen(screen).screenRedirects(true).build();
        Shortener notScreening = Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock)
                .screen(screen).build();
        Link link = screening.create(NewLink.to("https://later-bad.example/x"));
        blocked.add("later-bad.example");

        Redirect.Blocked refused = assertInstanceOf(Redirect.Blocked.class, screening.follow(link.code()));
        assertEquals("listed: later-bad.example", refused.reason());
        assertEquals(0, clicksOf(link.code()), "a blocked redirect is not a click");
        assertInstanceOf(Redirect.To.class, notScreening.follow(link.code()));
    }

    @Test
    void writes_tellTheResolver_soARememberedAbsenceOrLinkIsForgotten() {
        assertInstanceOf(Redirect.Unknown.class, shortener.follow("later1"));   // remembered as absent
        shortener.create(NewLink.to("https://example.org/later").withAlias("later1"));
        assertInstanceOf(Redirect.To.class, shortener.follow("later1"), "the create forgot the absence");

        shortener.delete("later1");
        assertInstanceOf(Redirect.Gone.class, shortener.follow("later1"), "the delete forgot the link");
    }

    @Test
    void details_readTheStore_withStateAndClicks_andRefuseUnknownAndDeletedCodes() throws InterruptedException {
        Link link = shortener.create(NewLink.to("https://example.org/x").expiringAt(T0.plusSeconds(60)));
        shortener.follow(link.code());
        shortener.follow(link.code());
        assertEquals(2, clicksOf(link.code()));
        clock.advance(Duration.ofMinutes(5));

        LinkDetails details = shortener.details(link.code());
        assertEquals(Link.State.EXPIRED, details.state(), "expired links are shown");
        assertEquals(2, details.totalClicks());

        assertThrows(LinkNotFoundException.class, () -> shortener.details("NoSuchCode2"));
        shortener.delete(link.code().value());
        assertThrows(LinkGoneException.class, () -> shortener.details(link.code()));
        assertThrows(LinkNotFoundException.class, () -> shortener.delete("NoSuchCode3"));
    }

    @Test
    void stats_countByMinute_andTheDefaultRangeFitsEveryGranularity() throws InterruptedException {
        Link link = shortener.create(NewLink.to("https://example.org/s"));
        shortener.follow(link.code());
        clock.advance(Duration.ofMinutes(3));
        shortener.follow(link.code());
        shortener.follow(link.code());
        assertEquals(3, clicksOf(link.code()));

        LinkStats byMinute = shortener.stats(link.code().value(), Optional.empty(), Optional.empty(), Granularity.MINUTE);
        assertEquals(3, byMinute.series().total());
        assertEquals(3, byMinute.last24h());
        assertEquals(3, byMinute.last7d());
        assertEquals(61, byMinute.series().points().size(), "an hour of minutes, the current one included");
        for (Granularity g : Granularity.values()) {
            assertEquals(3, shortener.stats(link.code().value(), Optional.empty(), Optional.empty(), g).series().total(), g.name());
        }
    }

    @Test
    void stats_checkTheRange_beforeAskingForTheCode() {
        InputRule rule = rule(() -> shortener.stats("NoSuchCode4", Optional.of(T0), Optional.of(T0.minusSeconds(60)),
                Granularity.HOUR));
        assertEquals(InputRule.STATS_RANGE_INVALID, rule, "a bad range is a bad request whatever the code");
    }

    @Test
    void ackedDelivery_returnsOnlyOnceTheClickIsApplied() {
        Shortener acked = Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock)
                .delivery(Shortener.Delivery.acked(Duration.ofSeconds(5))).build();
        Link link = acked.create(NewLink.to("https://example.org/acked"));

        acked.follow(link.code());

        assertEquals(1, store.totalClicks(link.code()), "applied before follow returned, no flush");
    }

    @Test
    void totals_countLinksAndClicks() throws InterruptedException {
        Link link = shortener.create(NewLink.to("https://example.org/t"));
        shortener.follow(link.code());
        assertTrue(clicks.flush(Duration.ofSeconds(5)));

        assertEquals(new ClickStats.Totals(1, 1), shortener.totals());
    }

    @Test
    void build_namesEveryMissingPart() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Shortener.builder().build());

        assertTrue(e.getMessage().contains("store") && e.getMessage().contains("stats") && e.getMessage().contains("clicks"),
                e.getMessage());
    }

    private static InputRule rule(Runnable call) {
        return assertThrows(InputRejectedException.class, call::run).rule();
    }

    /** A resolver that remembers every answer, absences included, until told to forget: a cache without bounds. */
    private static final class RememberingResolver implements LinkResolver {
        private final LinkStore store;
        private final Map<ShortCode, Optional<Link>> remembered = new HashMap<>();

        RememberingResolver(LinkStore store) {
            this.store = store;
        }

        @Override
        public synchronized Optional<Link> resolve(ShortCode code) {
            return remembered.computeIfAbsent(code, store::find);
        }

        @Override
        public synchronized void invalidate(ShortCode code) {
            remembered.remove(code);
        }
    }
}
