package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class LinkTest {
    private static final ShortCode CODE = new ShortCode("abc1234");
    private static final Instant CREATED = Instant.parse("2025-01-01T10:00:00Z");
    private static final Instant EXPIRES = CREATED.plus(Duration.ofDays(1));

    private static Link expiring() {
        return Link.created(CODE, "https://example.com/", CREATED, Optional.of(EXPIRES));
    }

    @Test
    void isActive_beforeItsExpiry() {
        assertEquals(Link.State.ACTIVE, expiring().stateAt(EXPIRES.minusNanos(1)));
    }

    @Test
    void isExpired_exactlyAtItsExpiry() {
        assertEquals(Link.State.EXPIRED, expiring().stateAt(EXPIRES));
    }

    @Test
    void isExpired_afterItsExpiry() {
        assertEquals(Link.State.EXPIRED, expiring().stateAt(EXPIRES.plus(Duration.ofDays(365))));
    }

    @Test
    void withoutExpiry_staysActive() {
        Link link = Link.created(CODE, "https://example.com/", CREATED, Optional.empty());

        assertEquals(Link.State.ACTIVE, link.stateAt(Instant.parse("9999-01-01T00:00:00Z")));
    }

    @Test
    void deletion_winsOverExpiry() {
        Link link = expiring().deleted(CREATED.plusSeconds(60));

        assertEquals(Link.State.DELETED, link.stateAt(EXPIRES.plusSeconds(1)));
    }

    @Test
    void isDeleted_evenBeforeItsExpiry() {
        Link link = expiring().deleted(CREATED.plusSeconds(60));

        assertEquals(Link.State.DELETED, link.stateAt(CREATED.plusSeconds(120)));
    }

    @Test
    void deleted_keepsEverythingElse_andRecordsWhen() {
        Instant at = CREATED.plusSeconds(60);

        Link link = expiring().deleted(at);

        assertEquals(Optional.of(at), link.deletion());
        assertEquals(Optional.of(EXPIRES), link.expiry());
        assertEquals(expiring().code(), link.code());
        assertEquals(expiring().url(), link.url());
    }
}
