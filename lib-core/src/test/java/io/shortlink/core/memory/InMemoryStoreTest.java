package io.shortlink.core.memory;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.ClickSeries;
import io.shortlink.core.Link;
import io.shortlink.core.LinkStore;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StreamRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store keeps the contracts of the JDBC store and ledger. */
final class InMemoryStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final ShortCode CODE = new ShortCode("abc1234");

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void aCodeIsNeverReused_evenAfterItsLinkIsDeleted() {
        store.create(Link.created(CODE, "https://example.org/", T0, Optional.empty()));
        Link deleted = store.delete(CODE, T0.plusSeconds(1)).orElseThrow();

        assertEquals(Optional.of(T0.plusSeconds(1)), deleted.deletion());
        assertEquals(deleted, store.delete(CODE, T0.plusSeconds(9)).orElseThrow(), "deleting again changes nothing");
        assertThrows(LinkStore.CodeTakenException.class,
                () -> store.create(Link.created(CODE, "https://example.org/again", T0, Optional.empty())));
        assertEquals(Optional.empty(), store.delete(new ShortCode("never12"), T0));
    }

    @Test
    void aBatchIsAppliedOnce_byItsId() {
        ClickBatch batch = ClickBatch.of(List.of(new ClickCount(CODE, ClickCount.epochMinute(T0), 5)));

        assertTrue(store.apply(batch));
        assertFalse(store.apply(batch), "a retry of the same batch");

        assertEquals(5, store.totalClicks(CODE));
        assertEquals(5, store.totals().clicks());
        assertEquals(List.of(new ClickSeries.MinuteCount(T0, 5)), store.minutes(CODE, T0, T0.plusSeconds(60)));
    }

    @Test
    void anEventIsRecordedOnce_byItsId_andPositionsMoveByCompareAndSet() {
        Click click = Click.of(CODE, T0);

        ClickLedger.Recorded first = store.record(List.of(click, click), List.of(new StreamRange("s", 0, 0, 2)));
        ClickLedger.Recorded replay = store.record(List.of(click), List.of(new StreamRange("s", 1, 0, 1)));

        assertEquals(new ClickLedger.Recorded(1, 1), first);
        assertEquals(new ClickLedger.Recorded(0, 1), replay);
        assertEquals(1, store.totalClicks(CODE));
        assertEquals(Map.of(0, 2L, 1, 1L), store.positions("s"));
        assertThrows(PositionConflictException.class,
                () -> store.record(List.of(Click.of(CODE, T0)), List.of(new StreamRange("s", 0, 0, 1))));
        assertEquals(1, store.totalClicks(CODE), "a refused call applies nothing");
    }

    @Test
    void sums_splitTheRecentMinutesFromTheRest() {
        store.apply(ClickBatch.of(List.of(new ClickCount(CODE, ClickCount.epochMinute(T0), 2),
                new ClickCount(CODE, ClickCount.epochMinute(T0.plusSeconds(3_600)), 3))));

        assertEquals(5, store.sumsSince(CODE, T0, T0.plusSeconds(1_800)).since());
        assertEquals(3, store.sumsSince(CODE, T0, T0.plusSeconds(1_800)).recent());
        assertEquals(3, store.sumsSince(CODE, T0.plusSeconds(1), T0.plusSeconds(1)).since(), "a minute counts when it starts in range");
    }
}
