package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class ClickTest {
    private static final ShortCode CODE = new ShortCode("abc1234");
    private static final Instant AT = Instant.parse("2025-01-01T10:00:00.123Z");

    @Test
    void eventId_isVersion7_variant2() {
        UUID id = Click.of(CODE, AT).eventId();

        assertEquals(7, id.version());
        assertEquals(2, id.variant());
    }

    @Test
    void eventId_carriesTheClickMillis_inItsFirst48Bits() {
        UUID id = Click.of(CODE, AT).eventId();

        assertEquals(AT.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    }

    @Test
    void eventIds_sortByMillis_asUuidsAndAsText() {
        for (int i = 0; i < 1_000; i++) {
            UUID earlier = Click.of(CODE, AT).eventId();
            UUID later = Click.of(CODE, AT.plusMillis(1)).eventId();

            assertTrue(earlier.compareTo(later) < 0, earlier + " < " + later);
            assertTrue(earlier.toString().compareTo(later.toString()) < 0, earlier + " < " + later);
        }
    }

    @Test
    void eventIds_areUnique_evenWithinOneMillisecond() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(Click.of(CODE, AT).eventId());
        }

        assertEquals(100_000, ids.size());
    }

    @Test
    void click_refusesMissingParts() {
        UUID id = Click.of(CODE, AT).eventId();

        assertThrows(NullPointerException.class, () -> new Click(null, CODE, AT));
        assertThrows(NullPointerException.class, () -> new Click(id, null, AT));
        assertThrows(NullPointerException.class, () -> new Click(id, CODE, null));
    }
}
