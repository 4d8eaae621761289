package io.shortlink.core.access;

import io.shortlink.core.InputRejectedException;
import io.shortlink.core.InputRule;
import io.shortlink.core.access.ApiKeys.IssuedKey;
import io.shortlink.core.access.NotAuthenticatedException.Reason;
import io.shortlink.core.memory.InMemoryApiKeyStore;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issuing, checking and revoking keys, over the in-memory store with a clock the test moves. */
final class ApiKeysTest {
    private static final Instant START = Instant.parse("2026-11-29T12:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    private final ApiKeys keys = ApiKeys.over(store, clock, new Random(42));

    @Test
    void anIssuedTokenHasTheDocumentedFormAndAuthenticatesAsItsKey() {
        IssuedKey issued = issue(Scope.LINKS_CREATE, Scope.STATS_READ);

        assertTrue(issued.token().matches("slk_[0-9A-Za-z]{10}_[0-9A-Za-z_-]{43}"), issued.token());
        assertTrue(issued.token().startsWith("slk_" + issued.key().id() + "_"));
        Caller caller = keys.authenticate(issued.token());
        assertEquals(issued.key().id(), caller.keyId());
        assertEquals(Set.of(Scope.LINKS_CREATE, Scope.STATS_READ), caller.scopes());
    }

    @Test
    void theStoreKeepsOnlyTheHashOfTheToken() {
        IssuedKey issued = issue(Scope.ADMIN);

        ApiKeyStore.Stored stored = store.find(issued.key().id()).orElseThrow();
        assertArrayEquals(ApiKeys.sha256(issued.token()), stored.tokenHash());
        assertEquals(32, stored.tokenHash().length);
        String secret = issued.token().substring("slk_".length() + 11);
        assertFalse(stored.key().toString().contains(secret));
        assertFalse(issued.toString().contains(secret), "IssuedKey.toString() shows the secret");
    }

    @Test
    void aKeyIssuedByOneInstanceAuthenticatesOnAnotherOverTheSameStore() {
        IssuedKey issued = issue(Scope.LINKS_READ);

        ApiKeys other = ApiKeys.over(store, clock, new Random(7));
        assertEquals(issued.key().id(), other.authenticate(issued.token()).keyId());
    }

    @Test
    void aWrongSecretAndAnUnknownIdAreTheSameRefusal() {
        String token = issue(Scope.ADMIN).token();
        char last = token.charAt(token.length() - 1);
        String wrongSecret = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        String unknownId = "slk_0000000000" + token.substring("slk_0000000000".length());

        assertEquals(Reason.UNKNOWN, refusal(wrongSecret));
        assertEquals(Reason.UNKNOWN, refusal(unknownId));
    }

    @Test
    void noTokenIsMissing() {
        assertEquals(Reason.MISSING, refusal(null));
        assertEquals(Reason.MISSING, refusal(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not-a-key",
            "Bearer slk_0123456789_0123456789012345678901234567890123456789012",
            "sk_0123456789_0123456789012345678901234567890123456789012",
            "slk_012345678_0123456789012345678901234567890123456789012",
            "slk_0123456789-0123456789012345678901234567890123456789012",
            "slk_01234567!9_0123456789012345678901234567890123456789012",
            "slk_0123456789_012345678901234567890123456789012345678901",
            "slk_0123456789_01234567890123456789012345678901234567890123",
            "slk_0123456789_0123456789012345678901234567890123456789+12",
            "slk_0123456789_0123456789012345678901234567890123456789=12",
            "slk_0123456789_01234567890123456789012345678901234567890é2",
    })
    void aTokenOfAnotherFormIsMalformed(String token) {
        assertEquals(Reason.MALFORMED, refusal(token));
    }

    @Test
    void anExpiredKeyIsRefusedFromItsExpiryOn() {
        IssuedKey issued = keys.issue("short-lived", Set.of(Scope.LINKS_READ), Optional.of(START.plusSeconds(60)));

        clock.advance(Duration.ofSeconds(59));
        keys.authenticate(issued.token());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Reason.EXPIRED, refusal(issued.token()));
    }

    @Test
    void anExpiryThatIsNotInTheFutureIsRefusedAtIssue() {
        assertEquals(InputRule.EXPIRY_INVALID, rejection(() -> keys.issue("x", Set.of(Scope.ADMIN), Optional.of(START))));
    }

    @Test
    void aKeyNeedsAScope() {
        assertEquals(InputRule.KEY_SCOPES_INVALID, rejection(() -> keys.issue("x", Set.of(), Optional.empty())));
    }

    @Test
    void aKeyNeedsALabelOfAtMost200Characters() {
        for (String label : new String[] {null, "", "   ", "x".repeat(201)}) {
            assertEquals(InputRule.KEY_LABEL_INVALID,
                    rejection(() -> keys.issue(label, Set.of(Scope.ADMIN), Optional.empty())), String.valueOf(label));
        }
        assertEquals("x".repeat(200), keys.issue("x".repeat(200), Set.of(Scope.ADMIN), Optional.empty()).key().label());
    }

    private static InputRule rejection(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(InputRejectedException.class, call).rule();
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndKeepsItsFirstRevocationDate() {
        IssuedKey issued = issue(Scope.ADMIN);
        keys.authenticate(issued.token());

        assertEquals(START, keys.revoke(issued.key().id()).orElseThrow().revokedAt());
        assertEquals(Reason.REVOKED, refusal(issued.token()));
        clock.advance(Duration.ofHours(1));
        assertEquals(START, keys.revoke(issued.key().id()).orElseThrow().revokedAt());
    }

    @Test
    void revokingAnUnknownIdFindsNothing() {
        assertEquals(Optional.empty(), keys.revoke("0000000000"));
    }

    @Test
    void adminAllowsEveryScopeAndAnyOtherScopeOnlyItself() {
        Caller admin = keys.authenticate(issue(Scope.ADMIN).token());
        Caller creator = keys.authenticate(issue(Scope.LINKS_CREATE).token());

        for (Scope scope : Scope.values()) {
            assertTrue(admin.allows(scope), "admin allows " + scope);
            assertEquals(scope == Scope.LINKS_CREATE, creator.allows(scope), "links:create allows " + scope);
        }
        assertTrue(admin.isAdmin());
        assertFalse(creator.isAdmin());
        NotPermittedException e = assertThrows(NotPermittedException.class, () -> creator.require(Scope.LINKS_DELETE));
        assertEquals(Scope.LINKS_DELETE, e.missing());
        assertEquals("this key lacks the scope 'links:delete'", e.getMessage());
    }

    @Test
    void theLastUseIsWrittenAtMostOnceAMinute() {
        IssuedKey issued = issue(Scope.LINKS_READ);
        String id = issued.key().id();

        keys.authenticate(issued.token());
        assertEquals(Optional.of(START), lastUse(id));
        clock.advance(Duration.ofSeconds(59));
        keys.authenticate(issued.token());
        assertEquals(Optional.of(START), lastUse(id));
        clock.advance(Duration.ofSeconds(1));
        keys.authenticate(issued.token());
        assertEquals(Optional.of(START.plusSeconds(60)), lastUse(id));
    }

    @Test
    void theLastUseWrittenByAnEarlierProcessCountsToo() {
        IssuedKey issued = issue(Scope.LINKS_READ);
        keys.authenticate(issued.token());

        clock.advance(Duration.ofSeconds(30));
        ApiKeys restarted = ApiKeys.over(store, clock, new Random(1));
        restarted.authenticate(issued.token());
        assertEquals(Optional.of(START), lastUse(issued.key().id()));
    }

    @Test
    void theFirstAdminIsIssuedOnlyWhileTheStoreHoldsNoKey() {
        IssuedKey first = keys.issueFirstAdmin().orElseThrow();

        assertEquals(Set.of(Scope.ADMIN), first.key().scopes());
        assertTrue(keys.authenticate(first.token()).isAdmin());
        keys.revoke(first.key().id());
        assertEquals(Optional.empty(), keys.issueFirstAdmin());
    }

    @Test
    void keysAreListedOldestFirst() {
        IssuedKey a = issue(Scope.ADMIN);
        clock.advance(Duration.ofSeconds(1));
        IssuedKey b = issue(Scope.STATS_READ);

        assertEquals(List.of(a.key().id(), b.key().id()), keys.list().stream().map(ApiKey::id).toList());
    }

    @Test
    void scopesAreNamedOnTheWireAsDocumented() {
        assertEquals(List.of("links:create", "links:read", "links:delete", "stats:read", "metrics:read", "admin"),
                Arrays.stream(Scope.values()).map(Scope::wireName).toList());
        for (Scope scope : Scope.values()) {
            assertEquals(Optional.of(scope), Scope.fromWireName(scope.wireName()));
        }
        assertEquals(Optional.empty(), Scope.fromWireName("links:write"));
    }

    private IssuedKey issue(Scope... scopes) {
        return keys.issue("test", Set.of(scopes), Optional.empty());
    }

    private Optional<Instant> lastUse(String id) {
        return store.find(id).orElseThrow().key().lastUse();
    }

    private Reason refusal(String token) {
        NotAuthenticatedException e = assertThrows(NotAuthenticatedException.class, () -> keys.authenticate(token));
        if (token != null && !token.isEmpty()) {
            assertFalse(e.getMessage().contains(token), "the refusal shows the token");
        }
        return e.reason();
    }
}
