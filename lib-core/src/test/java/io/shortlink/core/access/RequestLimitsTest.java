package io.shortlink.core.access;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class RequestLimitsTest {
    private static final RateLimit CLIENT = new RateLimit("client", 5, Duration.ofMinutes(1));
    private static final RateLimit KEY = new RateLimit("key", 3, Duration.ofMinutes(1));
    private static final RateLimit ANONYMOUS = new RateLimit("anonymous-create", 2, Duration.ofMinutes(1));

    /** Counts permits per bucket; never refills (time stands still here). */
    private final Map<String, Long> taken = new HashMap<>();
    private final List<String> buckets = new ArrayList<>();
    private final RateLimiter counting = (bucket, limit) -> {
        buckets.add(bucket);
        long used = taken.merge(bucket, 1L, Long::sum);
        return used <= limit.permits()
                ? RateLimiter.Verdict.allowed(limit, limit.permits() - used, limit.refillEvery().multipliedBy(used))
                : RateLimiter.Verdict.refused(limit, limit.window(), limit.refillEvery());
    };
    private final RequestLimits limits = RequestLimits.builder(counting)
            .perClient(CLIENT).perKey(KEY).anonymousCreate(ANONYMOUS).build();
    private final Caller alice = new Caller("alice", Set.of(Scope.LINKS_CREATE));
    private final Caller admin = new Caller("root", Set.of(Scope.ADMIN));

    @Test
    void aKeyedCall_spendsItsClientsLimit_thenItsKeys() {
        List<RateLimiter.Verdict> verdicts = limits.admit(alice, "10.0.0.1");

        assertEquals(List.of("client:10.0.0.1", "key:alice"), buckets);
        assertEquals(List.of(CLIENT, KEY), verdicts.stream().map(RateLimiter.Verdict::limit).toList());
        assertEquals(List.of(4L, 2L), verdicts.stream().map(RateLimiter.Verdict::remaining).toList());
    }

    @Test
    void theKeysLimit_refusesPastItsPermits_namingIt() {
        for (int i = 0; i < 3; i++) {
            limits.admit(alice, "10.0.0.1");
        }
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> limits.admit(alice, "10.0.0.2"));

        assertEquals(KEY, e.refused().limit());
        assertEquals(2, e.verdicts().size());
        assertTrue(e.refused().retryAfter().isPositive());
        assertEquals("rate limit 'key' spent: 3 per PT1M", e.getMessage());
    }

    @Test
    void rotatingKeys_doesNotEscapeTheClientsLimit() {
        for (int i = 0; i < 5; i++) {
            limits.admit(new Caller("key" + i, Set.of(Scope.LINKS_READ)), "10.0.0.1");
        }
        RateLimitedException e = assertThrows(RateLimitedException.class,
                () -> limits.admit(new Caller("key9", Set.of(Scope.LINKS_READ)), "10.0.0.1"));

        assertEquals(CLIENT, e.refused().limit());
        assertTrue(!buckets.contains("key:key9"), "the key's bucket is not spent once the client's refused");
    }

    @Test
    void anonymousCreates_spendTheirOwnLimit_perClient() {
        limits.admit(Caller.anonymous(), "10.0.0.1");
        limits.admit(Caller.anonymous(), "10.0.0.1");

        RateLimitedException e = assertThrows(RateLimitedException.class,
                () -> limits.admit(Caller.anonymous(), "10.0.0.1"));
        assertEquals(ANONYMOUS, e.refused().limit());
        assertEquals(2, limits.admit(Caller.anonymous(), "10.0.0.2").size());
    }

    @Test
    void admins_spendNothing_unlessTold() {
        assertEquals(List.of(), limits.admit(admin, "10.0.0.1"));
        assertEquals(List.of(), buckets);

        RequestLimits strict = RequestLimits.builder(counting).perKey(KEY).limitAdmins(true).build();
        assertEquals(List.of(KEY), strict.admit(admin, "10.0.0.1").stream().map(RateLimiter.Verdict::limit).toList());
    }

    @Test
    void aCallWithNoValidKey_spendsTheClientsLimit() {
        for (int i = 0; i < 5; i++) {
            limits.admitUnknown("10.0.0.1");
        }
        assertThrows(RateLimitedException.class, () -> limits.admitUnknown("10.0.0.1"));
    }

    @Test
    void limitsLeftOut_areNotApplied() {
        RequestLimits keyOnly = RequestLimits.builder(counting).perKey(KEY).build();
        keyOnly.admit(alice, "10.0.0.1");

        assertEquals(List.of("key:alice"), buckets);
        assertEquals(List.of(KEY), keyOnly.policies());
        assertEquals(List.of(), RequestLimits.none().admit(alice, "10.0.0.1"));
    }

    @Test
    void aRateLimit_namesTheRuleItBreaks() {
        assertMessage("permits must be at least 1", () -> new RateLimit("key", 0, Duration.ofMinutes(1)));
        assertMessage("window must be at least 1s", () -> new RateLimit("key", 1, Duration.ofMillis(10)));
        assertMessage("lower-case letters", () -> new RateLimit("Key One", 1, Duration.ofMinutes(1)));
        assertEquals(Duration.ofMillis(100), new RateLimit("key", 600, Duration.ofMinutes(1)).refillEvery());
    }

    private static void assertMessage(String expected, Runnable call) {
        String message = assertThrows(IllegalArgumentException.class, call::run).getMessage();
        assertTrue(message.contains(expected), message);
    }
}
