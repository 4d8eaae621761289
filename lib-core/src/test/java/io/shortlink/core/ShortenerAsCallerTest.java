package io.shortlink.core;

import io.shortlink.core.access.Caller;
import io.shortlink.core.access.NotPermittedException;
import io.shortlink.core.access.Scope;
import io.shortlink.core.memory.InMemoryStore;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The front door on behalf of a caller: the scope each use-case needs, and each key's own links. */
final class ShortenerAsCallerTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:30Z");
    private static final Set<Scope> ALL_BUT_ADMIN =
            Set.of(Scope.LINKS_CREATE, Scope.LINKS_READ, Scope.LINKS_DELETE, Scope.STATS_READ);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final ClickBatcher clicks = ClickBatcher.builder(store).start();
    private final Shortener shortener = Shortener.builder().store(store).stats(store).clicks(clicks).clock(clock).build();
    private final Shortener.AsCaller alice = shortener.as(new Caller("alice00001", ALL_BUT_ADMIN));
    private final Shortener.AsCaller bob = shortener.as(new Caller("bob0000001", ALL_BUT_ADMIN));
    private final Shortener.AsCaller admin = shortener.as(new Caller("admin00001", Set.of(Scope.ADMIN)));

    @AfterEach
    void close() {
        clicks.close();
    }

    private Link create(Shortener.AsCaller caller, String path) {
        return caller.create(NewLink.to("https://example.org/" + path));
    }

    @Test
    void aLinkBelongsToTheKeyThatCreatedIt_andOneMadeUncheckedToNoKey() {
        Link mine = create(alice, "mine");
        Link unowned = shortener.as(Caller.unchecked()).create(NewLink.to("https://example.org/open"));

        assertEquals(Optional.of("alice00001"), store.ownerOf(mine.code()));
        assertEquals(Optional.empty(), store.ownerOf(unowned.code()));
    }

    @Test
    void anotherKeysLink_isUnknownToReadStatsAndDelete_whateverItsState() {
        Link active = create(alice, "active");
        Link deleted = create(alice, "deleted");
        alice.delete(deleted.code().value());

        for (Link link : List.of(active, deleted)) {
            String code = link.code().value();
            assertThrows(LinkNotFoundException.class, () -> bob.details(code));
            assertThrows(LinkNotFoundException.class, () -> bob.stats(code, Optional.empty(), Optional.empty(), Granularity.HOUR));
            assertThrows(LinkNotFoundException.class, () -> bob.delete(code));
        }
        assertEquals(Link.State.ACTIVE, alice.details(active.code().value()).state());
        assertThrows(LinkGoneException.class, () -> alice.details(deleted.code().value()));
        assertThrows(LinkNotFoundException.class, () -> bob.details("nosuchcode"), "unknown codes answer the same");
    }

    @Test
    void anAnonymousCaller_createsLinksNoKeyOwns_andReadsOrDeletesNone() {
        Shortener.AsCaller anonymous = shortener.as(Caller.anonymous());
        Link made = anonymous.create(NewLink.to("https://example.org/anon"));
        String code = made.code().value();

        assertEquals(Optional.empty(), store.ownerOf(made.code()));
        assertThrows(NotPermittedException.class, () -> anonymous.details(code));
        assertThrows(NotPermittedException.class, () -> anonymous.delete(code));
        assertEquals(made, admin.details(code).link());
    }

    @Test
    void anAdminReadsStatsAndDeletesAnyLink_ownedOrNot() {
        Link alices = create(alice, "a");
        Link unowned = shortener.create(NewLink.to("https://example.org/u"));

        for (Link link : List.of(alices, unowned)) {
            String code = link.code().value();
            assertEquals(link, admin.details(code).link());
            assertEquals(0, admin.stats(code, Optional.empty(), Optional.empty(), Granularity.HOUR).totalClicks());
            assertEquals(code, admin.delete(code).code().value());
        }
        assertThrows(LinkNotFoundException.class, () -> alice.details(unowned.code().value()),
                "a link no key owns is an admin's business only");
    }

    @Test
    void eachUseCaseNeedsItsScope() {
        String code = create(alice, "scoped").code().value();
        record Case(Scope needs, Executable call) {
        }
        for (Scope held : Scope.values()) {
            if (held == Scope.ADMIN) {
                continue;
            }
            Shortener.AsCaller caller = shortener.as(new Caller("alice00001", Set.of(held)));
            List<Case> cases = List.of(
                    new Case(Scope.LINKS_CREATE, () -> caller.create(NewLink.to("https://example.org/x"))),
                    new Case(Scope.LINKS_READ, () -> caller.details(code)),
                    new Case(Scope.LINKS_READ, () -> caller.list(Optional.empty(), 10)),
                    new Case(Scope.STATS_READ, () -> caller.stats(code, Optional.empty(), Optional.empty(), Granularity.DAY)),
                    new Case(Scope.ADMIN, caller::totals),
                    new Case(Scope.LINKS_DELETE, () -> caller.delete(code)));
            for (Case c : cases) {
                if (c.needs() == held) {
                    assertDoesNotThrowNotPermitted(c.call());
                } else {
                    NotPermittedException e = assertThrows(NotPermittedException.class, c.call(), held + " -> " + c.needs());
                    assertEquals(c.needs(), e.missing());
                }
            }
        }
    }

    private static void assertDoesNotThrowNotPermitted(Executable call) {
        try {
            call.execute();
        } catch (NotPermittedException e) {
            throw new AssertionError("refused with its own scope", e);
        } catch (Throwable other) {
            // any other answer (a 404 after a delete, say) is not this test's concern
        }
    }

    @Test
    void theList_showsTheCallersLinksNewestFirst_aPageAtATime_withoutDeletedOnes() {
        List<Link> alices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alices.add(create(alice, "list/" + i));
            create(bob, "other/" + i);
            clock.advance(Duration.ofSeconds(1));
        }
        alice.delete(alices.get(2).code().value());

        List<Link> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            Shortener.Page page = alice.list(cursor, 2);
            page.links().forEach(l -> seen.add(l.link()));
            cursor = page.next();
            pages++;
        } while (cursor.isPresent() && pages < 10);

        assertEquals(List.of(alices.get(4), alices.get(3), alices.get(1), alices.get(0)), seen);
        assertEquals(2, pages);
    }

    @Test
    void anAdminListsEveryLink() {
        create(alice, "a");
        create(bob, "b");
        shortener.create(NewLink.to("https://example.org/unowned"));

        assertEquals(3, admin.list(Optional.empty(), 10).links().size());
        assertEquals(1, alice.list(Optional.empty(), 10).links().size());
    }

    @Test
    void aListedLinkCarriesItsStateNow() {
        create(alice, "soon-expired");
        Link expiring = alice.create(new NewLink("https://example.org/brief", Optional.empty(), Optional.of(T0.plusSeconds(10))));
        clock.advance(Duration.ofSeconds(10));

        Shortener.Page page = alice.list(Optional.empty(), 10);
        assertEquals(expiring, page.links().getFirst().link());
        assertEquals(Link.State.EXPIRED, page.links().getFirst().state());
        assertEquals(Link.State.ACTIVE, page.links().get(1).state());
    }

    @Test
    void aBadCursorOrLimitIsRefusedWithItsRule() {
        for (String cursor : new String[] {"", "-1", "0", "not a cursor", "zzzzzzzzzzzzzzzzzzzz"}) {
            InputRejectedException e = assertThrows(InputRejectedException.class, () -> alice.list(Optional.of(cursor), 10), cursor);
            assertEquals(InputRule.PAGE_CURSOR_INVALID, e.rule());
        }
        for (int limit : new int[] {0, -1, Shortener.MAX_PAGE + 1}) {
            InputRejectedException e = assertThrows(InputRejectedException.class, () -> alice.list(Optional.empty(), limit));
            assertEquals(InputRule.PAGE_LIMIT_INVALID, e.rule());
        }
        assertTrue(alice.list(Optional.empty(), Shortener.MAX_PAGE).links().isEmpty());
    }
}
