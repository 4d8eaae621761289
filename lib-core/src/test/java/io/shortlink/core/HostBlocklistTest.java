package io.shortlink.core;

import io.shortlink.core.memory.InMemoryStore;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file-backed host blocklist: its rules, and how it follows edits of the file. */
final class HostBlocklistTest {
    private static final Duration CHECK = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));

    @TempDir
    Path dir;

    private HostBlocklist list(String... lines) throws IOException {
        Path file = Files.write(dir.resolve("blocklist.txt"), java.util.List.of(lines));
        return HostBlocklist.watching(file, clock, CHECK);
    }

    private static boolean blocked(HostBlocklist list, String url) {
        return list.refusal(url).isPresent();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "https://phish.example/login", "http://Phish.Example:8080/", "https://user:pw@phish.example/x",
            "https://phish.example?q=a@b", "https://phish.example#frag", "https://phish.example",
            "http://[2001:db8::1]:8080/p", "http://[2001:db8::1]/", "https://xn--bcher-kva.example/a:b",
            "https://a.b.c.example:443?x=1:2"})
    void theHostScan_agreesWithJavaNetUri(String url) {
        String expected = java.net.URI.create(url).getHost().toLowerCase(java.util.Locale.ROOT);

        assertEquals(expected, HostBlocklist.hostOf(url));
    }

    @Test
    void aHostRule_blocksThatHostOnly() throws IOException {
        HostBlocklist list = list("phish.example");

        assertTrue(blocked(list, "https://phish.example/login"));
        assertTrue(blocked(list, "http://phish.example:8080/"));
        assertEquals(false, blocked(list, "https://www.phish.example/"));
        assertEquals(false, blocked(list, "https://notphish.example/"));
        assertEquals(Optional.of("the host phish.example is on the blocklist"), list.refusal("https://phish.example/"));
    }

    @Test
    void aDomainRule_blocksTheDomainAndEveryHostUnderIt() throws IOException {
        HostBlocklist list = list(".malware.example", "*.spam.example");

        for (String url : new String[] {"https://malware.example/", "https://a.b.malware.example/x", "https://spam.example",
                "https://cdn.spam.example/"}) {
            assertTrue(blocked(list, url), url);
        }
        assertEquals(false, blocked(list, "https://malware.example.org/"));
        assertEquals(false, blocked(list, "https://evilmalware.example/"));
    }

    @Test
    void commentsBlankLinesCaseAndTrailingDotsAreForgiven_andIdnIsComparedInPunycode() throws IOException {
        HostBlocklist list = list("# phishing, reported 2026-11", "", "  Phish.Example.  # trailing dot", ".bücher.example");

        assertEquals(2, list.size());
        assertTrue(blocked(list, "https://phish.example/"));
        assertTrue(blocked(list, "https://shop.xn--bcher-kva.example/"));
    }

    @Test
    void anEditIsSeenAtTheNextCheck_notBefore() throws IOException {
        HostBlocklist list = list("old.example");
        Path file = dir.resolve("blocklist.txt");
        Files.writeString(file, "new.example\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

        clock.advance(CHECK.minusMillis(1));
        assertTrue(blocked(list, "https://old.example/"), "not yet looked at again");
        clock.advance(Duration.ofMillis(1));
        assertEquals(false, blocked(list, "https://old.example/"));
        assertTrue(blocked(list, "https://new.example/"));
    }

    @Test
    void aFileThatVanishes_keepsTheRulesInForce() throws IOException {
        HostBlocklist list = list("phish.example");
        Files.delete(dir.resolve("blocklist.txt"));

        clock.advance(CHECK.multipliedBy(3));
        assertTrue(blocked(list, "https://phish.example/"));
    }

    @Test
    void aMissingFileAtStart_failsNamingIt() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> HostBlocklist.watching(dir.resolve("nope.txt"), clock, CHECK));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }

    @Test
    void theFrontDoor_refusesABlockedTarget_withItsOwnRule() throws IOException {
        HostBlocklist list = list(".phish.example");
        InMemoryStore store = new InMemoryStore();
        try (ClickBatcher clicks = ClickBatcher.builder(store).start()) {
            Shortener shortener = Shortener.builder().store(store).stats(store).clicks(clicks).screen(list).build();
            assertBlockedAtCreate(shortener);
        }
    }

    private static void assertBlockedAtCreate(Shortener shortener) {
        InputRejectedException e = assertThrows(InputRejectedException.class,
                () -> shortener.create(NewLink.to("https://login.PHISH.example/")));
        assertEquals(InputRule.URL_BLOCKED, e.rule());
        assertEquals("https://example.org/ok", shortener.create(NewLink.to("https://example.org/ok")).url());
    }
}
