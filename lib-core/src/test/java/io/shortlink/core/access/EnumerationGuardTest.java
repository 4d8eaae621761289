package io.shortlink.core.access;

import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class EnumerationGuardTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final EnumerationGuard guard = EnumerationGuard.of(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 100, clock);

    @Test
    void nobodyCoolsDown_untilABudgetIsSpent() {
        assertFalse(guard.anyCoolingDown());
        for (int i = 0; i < 3; i++) {
            assertFalse(guard.missed("10.0.0.1"));
        }
        assertFalse(guard.anyCoolingDown());
        assertEquals(Duration.ZERO, guard.coolingDown("10.0.0.1"));
    }

    @Test
    void theMissPastTheBudget_startsTheCoolDown_ofThatClientOnly() {
        for (int i = 0; i < 3; i++) {
            guard.missed("10.0.0.1");
        }
        assertTrue(guard.missed("10.0.0.1"));

        assertTrue(guard.anyCoolingDown());
        assertEquals(Duration.ofMinutes(5), guard.coolingDown("10.0.0.1"));
        assertEquals(Duration.ZERO, guard.coolingDown("10.0.0.2"));
        assertEquals(1, guard.coolDowns());
        assertEquals(1, guard.refused());
    }

    @Test
    void theCoolDownEnds_andTheFastCheckTurnsOffAgain() {
        for (int i = 0; i < 4; i++) {
            guard.missed("10.0.0.1");
        }
        clock.advance(Duration.ofMinutes(4));
        assertEquals(Duration.ofMinutes(1), guard.coolingDown("10.0.0.1"));

        clock.advance(Duration.ofMinutes(1));
        assertEquals(Duration.ZERO, guard.coolingDown("10.0.0.1"));
        assertFalse(guard.anyCoolingDown());
        assertFalse(guard.missed("10.0.0.1"), "a fresh budget after the cool-down");
    }

    @Test
    void missesOfAnEndedWindow_doNotCount() {
        for (int i = 0; i < 3; i++) {
            guard.missed("10.0.0.1");
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertFalse(guard.missed("10.0.0.1"));
        }
        assertTrue(guard.missed("10.0.0.1"));
    }

    @Test
    void atMostMaxClientsAreCounted_endedWindowsMakeRoom() {
        EnumerationGuard small = EnumerationGuard.of(1, Duration.ofMinutes(1), Duration.ofMinutes(5), 2, clock);
        small.missed("a");
        small.missed("b");

        assertFalse(small.missed("c"));
        assertFalse(small.missed("c"), "c is not counted while a and b fill the guard");
        assertEquals(2, small.uncounted());

        clock.advance(Duration.ofMinutes(1));
        small.missed("c");
        assertTrue(small.missed("c"), "room made by the ended windows");
    }

    @Test
    void atMostMaxClientsCoolDown_atOnce() {
        EnumerationGuard small = EnumerationGuard.of(1, Duration.ofMinutes(1), Duration.ofMinutes(5), 2, clock);
        for (String client : new String[] {"a", "b", "c"}) {
            small.missed(client);
            small.missed(client);
        }
        assertEquals(2, small.coolingClients());
        assertEquals(Duration.ZERO, small.coolingDown("c"));
        assertEquals(1, small.uncounted());
    }

    @Test
    void off_neverRefuses() {
        EnumerationGuard off = EnumerationGuard.off();
        for (int i = 0; i < 1_000; i++) {
            assertFalse(off.missed("10.0.0.1"));
        }
        assertFalse(off.anyCoolingDown());
        assertEquals(Duration.ZERO, off.coolingDown("10.0.0.1"));
    }

    @Test
    void settings_areChecked_withTheRuleNamed() {
        assertMessage("misses must be at least 1",
                () -> EnumerationGuard.of(0, Duration.ofMinutes(1), Duration.ofMinutes(1), 1, clock));
        assertMessage("window and cool-down must be positive",
                () -> EnumerationGuard.of(1, Duration.ZERO, Duration.ofMinutes(1), 1, clock));
        assertMessage("maxClients must be at least 1",
                () -> EnumerationGuard.of(1, Duration.ofMinutes(1), Duration.ofMinutes(1), 0, clock));
    }

    private static void assertMessage(String expected, Runnable call) {
        String message = assertThrows(IllegalArgumentException.class, call::run).getMessage();
        assertTrue(message.contains(expected), message);
    }
}
