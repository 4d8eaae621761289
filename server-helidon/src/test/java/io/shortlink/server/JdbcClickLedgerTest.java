package io.shortlink.server;

import io.shortlink.core.jdbc.JdbcClickLedger;
import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.StreamRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDBC ledger's exactly-once rules on H2 (and, as {@code JdbcClickLedgerIT}, on MariaDB):
 * batch ids, event ids and stream positions, each written in the transaction they guard.
 */
class JdbcClickLedgerTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:30Z");
    private static final String STREAM = "kafka:clicks";
    private static Database database;
    private static JdbcClickLedger ledger;
    private static DbClickStats stats;

    @BeforeAll
    static void open() {
        database = Database.open(new ShortlinkConfig.DatabaseConfig(TestDatabase.fresh(),
                TestDatabase.onMariaDb() ? TestDatabase.USER : "sa", TestDatabase.onMariaDb() ? TestDatabase.PASSWORD : "",
                4, Duration.ofSeconds(2)));
        ledger = ledgerOver(database);
        stats = new DbClickStats(database.dbClient());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static ShortCode code() {
        return new ShortCode("l" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    private static long rollup(ShortCode code, Instant minute) {
        return stats.minutes(code, minute, minute.plusSeconds(60)).stream().mapToLong(m -> m.clicks()).sum();
    }

    // --- batches of counts

    @Test
    void aBatch_addsToRollups_linkTotals_andTheGlobalTotal() {
        ShortCode a = code();
        ShortCode b = code();
        long before = stats.totals().clicks();
        ClickBatch batch = ClickBatch.of(sorted(new ClickCount(a, ClickCount.epochMinute(T0), 3),
                new ClickCount(a, ClickCount.epochMinute(T0) + 1, 2), new ClickCount(b, ClickCount.epochMinute(T0), 4)));

        assertTrue(ledger.apply(batch));

        assertEquals(5, stats.totalClicks(a));
        assertEquals(4, stats.totalClicks(b));
        assertEquals(3, rollup(a, Instant.parse("2026-11-29T10:00:00Z")));
        assertEquals(2, rollup(a, Instant.parse("2026-11-29T10:01:00Z")));
        assertEquals(before + 9, stats.totals().clicks());
    }

    @Test
    void theSameBatchApplied_again_changesNothing_andSaysSo() {
        ShortCode a = code();
        ClickBatch batch = ClickBatch.of(List.of(new ClickCount(a, ClickCount.epochMinute(T0), 7)));
        assertTrue(ledger.apply(batch));
        long total = stats.totals().clicks();

        assertFalse(ledger.apply(batch), "a retry after a lost acknowledgement");

        assertEquals(7, stats.totalClicks(a));
        assertEquals(total, stats.totals().clicks());
    }

    @Test
    void anotherBatch_withTheSameCounts_isCountedAgain() {
        ShortCode a = code();
        List<ClickCount> counts = List.of(new ClickCount(a, ClickCount.epochMinute(T0), 1));

        assertTrue(ledger.apply(ClickBatch.of(counts)));
        assertTrue(ledger.apply(ClickBatch.of(counts)));

        assertEquals(2, stats.totalClicks(a));
    }

    // --- events and stream positions

    @Test
    void events_areCountedOnce_byEventId_evenWhenDeliveredAgain() {
        ShortCode a = code();
        List<Click> first = clicks(a, 10);
        assertEquals(new ClickLedger.Recorded(10, 0), ledger.record(first, List.of(range(0, 0, 10))));

        List<Click> replay = new ArrayList<>(first.subList(5, 10));
        replay.addAll(clicks(a, 3));
        ClickLedger.Recorded again = ledger.record(replay, List.of(range(0, 10, 18)));

        assertEquals(new ClickLedger.Recorded(3, 5), again);
        assertEquals(13, stats.totalClicks(a));
        assertEquals(13, rollup(a, Instant.parse("2026-11-29T10:00:00Z")));
        assertEquals(13, storedEvents(a));
    }

    @Test
    void theSameEventTwiceInOneCall_isOneClick() {
        ShortCode a = code();
        Click click = Click.of(a, T0);

        assertEquals(new ClickLedger.Recorded(1, 1), ledger.record(List.of(click, click), List.of(range(1, 0, 2))));

        assertEquals(1, stats.totalClicks(a));
    }

    @Test
    void positions_moveWithTheEvents_andAreReadBack() {
        String stream = "kafka:positions-" + UUID.randomUUID();
        ShortCode a = code();
        ledger.record(clicks(a, 2), List.of(new StreamRange(stream, 0, 40, 42), new StreamRange(stream, 3, 7, 8)));
        ledger.record(clicks(a, 1), List.of(new StreamRange(stream, 0, 42, 43)));

        assertEquals(Map.of(0, 43L, 3, 8L), ledger.positions(stream));
    }

    @Test
    void aRangeThatDoesNotContinueTheStoredPosition_isRefused_andAppliesNothing() {
        String stream = "kafka:conflict-" + UUID.randomUUID();
        ShortCode a = code();
        ledger.record(clicks(a, 2), List.of(new StreamRange(stream, 0, 0, 2)));

        assertThrows(PositionConflictException.class,
                () -> ledger.record(clicks(a, 5), List.of(new StreamRange(stream, 0, 0, 5))),
                "a reader that lost the partition replays from 0");

        assertEquals(2, stats.totalClicks(a));
        assertEquals(Map.of(0, 2L), ledger.positions(stream));
    }

    @Test
    void aRangeWithoutEvents_onlyMovesThePosition() {
        String stream = "kafka:empty-" + UUID.randomUUID();

        assertEquals(new ClickLedger.Recorded(0, 0), ledger.record(List.of(), List.of(new StreamRange(stream, 2, 0, 9))));

        assertEquals(Map.of(2, 9L), ledger.positions(stream));
    }

    // --- retention

    @Test
    void purge_forgetsBatchIdsOlderThanADay_andEventsOlderThanTheirRetention() {
        ShortCode a = code();
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        ClickBatch old = new ClickBatch(timeOrdered(twoDaysAgo), List.of(new ClickCount(a, 1, 1)));
        ClickBatch recent = ClickBatch.of(List.of(new ClickCount(a, 1, 1)));
        ledger.apply(old);
        ledger.apply(recent);
        ledger.record(List.of(Click.of(a, twoDaysAgo), Click.of(a, Instant.now())), List.of(range(7, 0, 2)));

        ledger.purgeNow();

        assertTrue(ledger.apply(old), "its id was forgotten");
        assertFalse(ledger.apply(recent), "its id is kept");
        assertEquals(1, storedEvents(a), "the recent event is kept");
    }

    private static UUID timeOrdered(Instant at) {
        return new UUID((at.toEpochMilli() << 16) | 0x7000L, 0x8000_0000_0000_0001L);
    }

    // --- failures

    @Test
    void noConnection_isTransient() {
        Database gone = Database.open(new ShortlinkConfig.DatabaseConfig(TestDatabase.fresh(),
                TestDatabase.onMariaDb() ? TestDatabase.USER : "sa", TestDatabase.onMariaDb() ? TestDatabase.PASSWORD : "",
                2, Duration.ofSeconds(1)));
        JdbcClickLedger closedLedger = ledgerOver(gone);
        gone.close();

        assertThrows(StoreUnavailableException.class,
                () -> closedLedger.apply(ClickBatch.of(List.of(new ClickCount(code(), 1, 1)))));
    }

    @Test
    void build_failsFast_whenTheCounterSlotsAreNotTheOnesTheLedgerWrites() throws Exception {
        try (Database other = Database.open(new ShortlinkConfig.DatabaseConfig(TestDatabase.fresh(),
                TestDatabase.onMariaDb() ? TestDatabase.USER : "sa", TestDatabase.onMariaDb() ? TestDatabase.PASSWORD : "",
                2, Duration.ofSeconds(2)));
             java.sql.Connection c = other.dataSource().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM counters WHERE name = 'clicks' AND slot = 15");

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ledgerOver(other));
            assertTrue(e.getMessage().contains("15 rows for 'clicks'"), e.getMessage());
        }
    }

    // --- helpers

    private static JdbcClickLedger ledgerOver(Database db) {
        return JdbcClickLedger.builder(db.dataSource())
                .dialect(TestDatabase.onMariaDb() ? JdbcClickLedger.Dialect.MYSQL : JdbcClickLedger.Dialect.H2)
                .build();
    }

    private static List<ClickCount> sorted(ClickCount... counts) {
        List<ClickCount> out = new ArrayList<>(List.of(counts));
        out.sort(null);
        return out;
    }

    private static List<Click> clicks(ShortCode code, int n) {
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Click.of(code, T0.plusMillis(i)));
        }
        return out;
    }

    private static StreamRange range(int partition, long from, long next) {
        return new StreamRange(STREAM + "-" + RUN, partition, from, next);
    }

    private static final String RUN = UUID.randomUUID().toString();

    private static long storedEvents(ShortCode code) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM click_events WHERE code = ?")) {
            s.setString(1, code.value());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
