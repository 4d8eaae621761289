package io.shortlink.core.jdbc;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickBatchRejectedException;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.StreamRange;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ClickLedger} over JDBC (MariaDB/MySQL, or H2 in MySQL mode): one transaction per call,
 * idempotent as the port requires. It expects the schema of this module's Flyway migrations
 * ({@code classpath:db/migration}, tables {@code click_rollups}, {@code link_clicks},
 * {@code counters}, {@code click_batches}, {@code click_events}, {@code stream_positions}).
 *
 * <pre>{@code
 * ClickLedger ledger = JdbcClickLedger.builder(dataSource)
 *         .dialect(JdbcClickLedger.Dialect.of(jdbcUrl))
 *         .build();
 * }</pre>
 *
 * <ul>
 * <li>{@link #apply(ClickBatch)} first inserts the batch id into {@code click_batches} with
 *     {@code INSERT IGNORE}: 0 rows means an earlier attempt committed (its acknowledgement was
 *     lost), so nothing more is written. Then the counts: rollup upserts, per-link totals, one
 *     striped global counter row. Rows go in code order (the batch is sorted), so two writers
 *     lock rows in the same order and cannot deadlock each other.</li>
 * <li>{@link #record} moves each range's row in {@code stream_positions} with a compare-and-set
 *     ({@code WHERE next_offset = from}): a reader that lost its partition cannot apply a range
 *     the new owner has applied. Events go into {@code click_events} by event id with
 *     {@code INSERT IGNORE}; only the events that were new are counted.</li>
 * </ul>
 *
 * <p>Failures are classified for the sender: could not reach or hear from the database
 * (connection, timeout, deadlock, a failure during COMMIT, whose outcome is unknown) is
 * {@link StoreUnavailableException}, retry the same input; anything else the database said no to
 * is {@link ClickBatchRejectedException}, and nothing was applied.
 *
 * <p>Old batch ids and events are purged in the background of normal work: after a successful
 * call, at most once a minute, up to {@value #PURGE_ROWS} rows of each older than their retention.
 * A retry comes within minutes, so a day of batch ids is ample.
 */
public final class JdbcClickLedger implements ClickLedger {
    /** Rows of each striped counter in the {@code counters} table (the V1 migration seeds 16). */
    public static final int COUNTER_SLOTS = 16;

    /** MySQL and MariaDB: one statement that inserts the minute or adds to it. */
    public static final String UPSERT_ROLLUP = "INSERT INTO click_rollups (code, minute_epoch, clicks) VALUES (?, ?, ?) "
            + "ON DUPLICATE KEY UPDATE clicks = clicks + VALUES(clicks)";
    /**
     * H2: its MySQL-mode {@code ON DUPLICATE KEY UPDATE} tries the insert and catches the
     * duplicate-key exception, building its message every time; a profile of the embedded server
     * at 30k clicks/s spent a third of its CPU there. Standard MERGE looks the row up instead:
     * 2.5x faster for 1,000-row batches of existing minutes (measured with H2 2.5.252).
     */
    public static final String MERGE_ROLLUP_H2 = "MERGE INTO click_rollups t USING (VALUES (CAST(? AS VARCHAR(64)), "
            + "CAST(? AS BIGINT), CAST(? AS BIGINT))) s(code, minute_epoch, clicks) "
            + "ON t.code = s.code AND t.minute_epoch = s.minute_epoch "
            + "WHEN MATCHED THEN UPDATE SET clicks = t.clicks + s.clicks "
            + "WHEN NOT MATCHED THEN INSERT (code, minute_epoch, clicks) VALUES (s.code, s.minute_epoch, s.clicks)";
    /** MySQL and MariaDB: per-link totals, one multi-row statement per batch (rewriteBatchedStatements). */
    public static final String UPSERT_LINK_TOTAL = "INSERT INTO link_clicks (code, clicks) VALUES (?, ?) "
            + "ON DUPLICATE KEY UPDATE clicks = clicks + VALUES(clicks)";
    /** H2: as {@link #MERGE_ROLLUP_H2}, a lookup instead of a caught duplicate-key exception. */
    public static final String MERGE_LINK_TOTAL_H2 = "MERGE INTO link_clicks t USING (VALUES (CAST(? AS VARCHAR(64)), "
            + "CAST(? AS BIGINT))) s(code, clicks) ON t.code = s.code "
            + "WHEN MATCHED THEN UPDATE SET clicks = t.clicks + s.clicks "
            + "WHEN NOT MATCHED THEN INSERT (code, clicks) VALUES (s.code, s.clicks)";
    public static final String ADD_TO_TOTAL = "UPDATE counters SET total = total + ? WHERE name = 'clicks' AND slot = ?";
    static final String COUNTER_SHAPE = "SELECT name, COUNT(*), MIN(slot), MAX(slot) FROM counters GROUP BY name";
    static final String RECORD_BATCH = "INSERT IGNORE INTO click_batches (batch_id) VALUES (?)";
    static final String MOVE_POSITION = "UPDATE stream_positions SET next_offset = ? "
            + "WHERE stream = ? AND part = ? AND next_offset = ?";
    static final String READ_POSITION = "SELECT next_offset FROM stream_positions WHERE stream = ? AND part = ?";
    static final String FIRST_POSITION = "INSERT INTO stream_positions (stream, part, next_offset) VALUES (?, ?, ?)";
    static final String RESET_POSITION = "UPDATE stream_positions SET next_offset = ? WHERE stream = ? AND part = ?";
    static final String POSITIONS = "SELECT part, next_offset FROM stream_positions WHERE stream = ?";
    static final String PURGE_BATCHES = "DELETE FROM click_batches WHERE batch_id < ? LIMIT " + JdbcClickLedger.PURGE_ROWS;
    static final String PURGE_EVENTS = "DELETE FROM click_events WHERE event_id < ? LIMIT " + JdbcClickLedger.PURGE_ROWS;
    /** Events per multi-row insert statement (3 parameters each). */
    static final int EVENTS_PER_STATEMENT = 500;
    static final int PURGE_ROWS = 10_000;
    private static final long PURGE_EVERY_MILLIS = 60_000;
    private static final long BATCH_ID_RETENTION_MILLIS = 24 * 3_600_000L;

    private final DataSource dataSource;
    private final String upsertRollup;
    private final String upsertLinkTotal;
    private final InstantSource clock;
    private final long eventRetentionMillis;
    private final AtomicLong lastPurge = new AtomicLong();
    private final Map<Integer, String> insertEventsSql = new HashMap<>();

    private JdbcClickLedger(Builder b) {
        this.dataSource = b.dataSource;
        boolean mySql = b.dialect == Dialect.MYSQL;
        this.upsertRollup = mySql ? UPSERT_ROLLUP : MERGE_ROLLUP_H2;
        this.upsertLinkTotal = mySql ? UPSERT_LINK_TOTAL : MERGE_LINK_TOTAL_H2;
        this.clock = b.clock;
        this.eventRetentionMillis = b.eventRetention.toMillis();
        this.lastPurge.set(clock.millis());
    }

    /** The one way to make a ledger; everything but the data source has a default. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The SQL flavour: which upsert statements the ledger uses. */
    public enum Dialect {
        /** MySQL and MariaDB: {@code INSERT ... ON DUPLICATE KEY UPDATE}. */
        MYSQL,
        /** H2 in MySQL mode: standard {@code MERGE} (see {@link #MERGE_ROLLUP_H2} for why). */
        H2;

        /** The dialect of a JDBC URL: MySQL for {@code jdbc:mysql:} and {@code jdbc:mariadb:}, else H2. */
        public static Dialect of(String jdbcUrl) {
            return jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:") ? MYSQL : H2;
        }
    }

    /** Builds a {@link JdbcClickLedger}. */
    public static final class Builder {
        private final DataSource dataSource;
        private Dialect dialect = Dialect.MYSQL;
        private InstantSource clock = InstantSource.system();
        private Duration eventRetention = Duration.ofDays(1);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** {@link Dialect#MYSQL} by default. */
        public Builder dialect(Dialect value) {
            this.dialect = Objects.requireNonNull(value, "dialect");
            return this;
        }

        /** The wall clock that dates purges; {@link InstantSource#system()} by default. */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * How long raw click events are kept, and so how long a redelivered event is still
         * recognised as a duplicate: 1 day by default, at least 1 hour.
         */
        public Builder eventRetention(Duration value) {
            if (value == null || value.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("eventRetention must be at least PT1H (a replayed click must still "
                        + "find its original), was " + value);
            }
            this.eventRetention = value;
            return this;
        }

        /**
         * @throws IllegalStateException      the schema's striped counters are not the
         *                                    {@value JdbcClickLedger#COUNTER_SLOTS} rows per counter this ledger
         *                                    and its readers assume (a message says what it found)
         * @throws StoreUnavailableException  the database could not be asked
         */
        public JdbcClickLedger build() {
            JdbcClickLedger ledger = new JdbcClickLedger(this);
            ledger.requireCounterSlots();
            return ledger;
        }
    }

    /**
     * Fails at start-up, not with silently lost counts, when the {@code counters} table does not
     * hold slots 0..{@value #COUNTER_SLOTS}-1 of every counter: an update of a missing slot
     * changes no row and raises no error.
     */
    private void requireCounterSlots() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(COUNTER_SHAPE);
             ResultSet rs = s.executeQuery()) {
            boolean clicks = false;
            while (rs.next()) {
                String name = rs.getString(1);
                long rows = rs.getLong(2);
                long first = rs.getLong(3);
                long last = rs.getLong(4);
                if (rows != COUNTER_SLOTS || first != 0 || last != COUNTER_SLOTS - 1) {
                    throw new IllegalStateException("the counters table holds " + rows + " rows for '" + name + "' (slots "
                            + first + ".." + last + "); the ledger writes slots 0.." + (COUNTER_SLOTS - 1)
                            + ": migrate with lib-core's classpath:db/migration, whose V1 seeds " + COUNTER_SLOTS
                            + " per counter");
                }
                clicks |= "clicks".equals(name);
            }
            if (!clicks) {
                throw new IllegalStateException("the counters table has no 'clicks' rows: migrate with lib-core's "
                        + "classpath:db/migration before building the ledger");
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the counters table could not be read to check its slots: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean apply(ClickBatch batch) {
        boolean fresh = inTransaction("click batch " + batch.id(), c -> {
            try (PreparedStatement record = c.prepareStatement(RECORD_BATCH)) {
                record.setBytes(1, bytes(batch.id()));
                if (record.executeUpdate() == 0) {
                    return false;
                }
            }
            writeCounts(c, batch.counts(), batch.clicks());
            return true;
        });
        purgeIfDue();
        return fresh;
    }

    @Override
    public Recorded record(List<Click> events, List<StreamRange> ranges) {
        // Within the input first: the same event twice in one call is one click.
        Map<UUID, Click> distinct = new LinkedHashMap<>(events.size() * 4 / 3 + 1);
        for (Click e : events) {
            distinct.putIfAbsent(e.eventId(), e);
        }
        List<Click> unique = List.copyOf(distinct.values());
        int repeatedInInput = events.size() - unique.size();
        List<StreamRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(StreamRange::stream).thenComparingInt(StreamRange::partition));
        String what = "click events (" + events.size() + ") of " + sorted;
        // Optimistic first: a duplicate is rare (a spill replayed after Kafka took the original),
        // so insert everything and compare the row count. Only when it falls short is the call
        // done again, looking up which events are known before inserting the rest.
        Recorded recorded = inTransaction(what, c -> {
            movePositions(c, sorted);
            if (insertEvents(c, unique, false).size() != unique.size()) {
                return null;
            }
            writeCounts(c, countsOf(unique), unique.size());
            return new Recorded(unique.size(), repeatedInInput);
        });
        if (recorded == null) {
            recorded = inTransaction(what, c -> {
                movePositions(c, sorted);
                List<Click> fresh = insertEvents(c, unique, true);
                if (!fresh.isEmpty()) {
                    writeCounts(c, countsOf(fresh), fresh.size());
                }
                return new Recorded(fresh.size(), events.size() - fresh.size());
            });
        }
        purgeIfDue();
        return recorded;
    }

    @Override
    public Map<Integer, Long> positions(String stream) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(POSITIONS)) {
            s.setString(1, stream);
            Map<Integer, Long> out = new TreeMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreUnavailableException("stream positions of " + stream + " not read: " + e.getMessage(), e);
        }
    }

    @Override
    public void resetPosition(String stream, int partition, long position) {
        inTransaction("reset of " + stream + " partition " + partition, c -> {
            try (PreparedStatement s = c.prepareStatement(RESET_POSITION)) {
                s.setLong(1, position);
                s.setString(2, stream);
                s.setInt(3, partition);
                if (s.executeUpdate() == 0) {
                    try (PreparedStatement first = c.prepareStatement(FIRST_POSITION)) {
                        first.setString(1, stream);
                        first.setInt(2, partition);
                        first.setLong(3, position);
                        first.executeUpdate();
                    }
                }
            }
            return true;
        });
    }

    private void movePositions(Connection c, List<StreamRange> ranges) throws SQLException {
        try (PreparedStatement move = c.prepareStatement(MOVE_POSITION)) {
            for (StreamRange r : ranges) {
                move.setLong(1, r.next());
                move.setString(2, r.stream());
                move.setInt(3, r.partition());
                move.setLong(4, r.from());
                if (move.executeUpdate() == 1) {
                    continue;
                }
                Long stored = storedPosition(c, r);
                if (stored != null) {
                    throw new PositionConflictException(r.stream() + " partition " + r.partition() + " is at " + stored
                            + ", not at " + r.from() + ": another reader moved it");
                }
                // The partition's first range: there is no row yet. Two readers racing here
                // collide on the primary key; the loser's call fails and it reads positions again.
                try (PreparedStatement first = c.prepareStatement(FIRST_POSITION)) {
                    first.setString(1, r.stream());
                    first.setInt(2, r.partition());
                    first.setLong(3, r.next());
                    first.executeUpdate();
                } catch (java.sql.SQLIntegrityConstraintViolationException e) {
                    throw new PositionConflictException(r.stream() + " partition " + r.partition()
                            + " was started by another reader at the same time");
                }
            }
        }
    }

    private static Long storedPosition(Connection c, StreamRange r) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(READ_POSITION)) {
            read.setString(1, r.stream());
            read.setInt(2, r.partition());
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * Inserts the events whose ids are not in {@code click_events}. Returns the ones inserted
     * when {@code lookFirst}; otherwise inserts blindly and returns the events when every one was
     * new, or a shorter list when some were not (the caller then rolls back and looks first).
     */
    private List<Click> insertEvents(Connection c, List<Click> events, boolean lookFirst) throws SQLException {
        List<Click> fresh = new ArrayList<>(events.size());
        for (int from = 0; from < events.size(); from += EVENTS_PER_STATEMENT) {
            List<Click> part = events.subList(from, Math.min(events.size(), from + EVENTS_PER_STATEMENT));
            List<Click> toInsert = lookFirst ? unknown(c, part) : part;
            if (toInsert.isEmpty()) {
                continue;
            }
            try (PreparedStatement insert = c.prepareStatement(insertEventsSql(toInsert.size()))) {
                int i = 1;
                for (Click e : toInsert) {
                    insert.setBytes(i++, bytes(e.eventId()));
                    insert.setString(i++, e.code().value());
                    insert.setLong(i++, e.at().toEpochMilli());
                }
                int inserted = insert.executeUpdate();
                if (inserted != toInsert.size() && !lookFirst) {
                    return List.of();
                }
            }
            fresh.addAll(toInsert);
        }
        return fresh;
    }

    /** The events of {@code part} whose ids are not recorded yet. */
    private static List<Click> unknown(Connection c, List<Click> part) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT event_id FROM click_events WHERE event_id IN (");
        for (int i = 0; i < part.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        Set<UUID> known = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < part.size(); i++) {
                s.setBytes(i + 1, bytes(part.get(i).eventId()));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    known.add(uuid(rs.getBytes(1)));
                }
            }
        }
        if (known.isEmpty()) {
            return part;
        }
        return part.stream().filter(e -> !known.contains(e.eventId())).toList();
    }

    private String insertEventsSql(int rows) {
        synchronized (insertEventsSql) {
            return insertEventsSql.computeIfAbsent(rows, n -> {
                StringBuilder sql = new StringBuilder(64 + n * 10)
                        .append("INSERT IGNORE INTO click_events (event_id, code, clicked_at) VALUES ");
                for (int i = 0; i < n; i++) {
                    sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
                }
                return sql.toString();
            });
        }
    }

    /** Events folded into counts per link and minute, in code order. */
    private static List<ClickCount> countsOf(List<Click> events) {
        Map<ShortCode, Map<Long, Long>> byCode = new HashMap<>();
        for (Click e : events) {
            byCode.computeIfAbsent(e.code(), k -> new HashMap<>(4)).merge(ClickCount.epochMinute(e.at()), 1L, Long::sum);
        }
        List<ClickCount> counts = new ArrayList<>(byCode.size());
        byCode.forEach((code, minutes) -> minutes.forEach((minute, n) -> counts.add(new ClickCount(code, minute, n))));
        Collections.sort(counts);
        return counts;
    }

    /** Rollups, per-link totals and one global counter row; {@code counts} in code order. */
    private void writeCounts(Connection c, List<ClickCount> counts, long clicks) throws SQLException {
        try (PreparedStatement rollup = c.prepareStatement(upsertRollup);
             PreparedStatement link = c.prepareStatement(upsertLinkTotal);
             PreparedStatement total = c.prepareStatement(ADD_TO_TOTAL)) {
            ShortCode current = null;
            long perLink = 0;
            for (ClickCount count : counts) {
                rollup.setString(1, count.code().value());
                rollup.setLong(2, count.epochMinute());
                rollup.setLong(3, count.clicks());
                rollup.addBatch();
                if (!count.code().equals(current)) {
                    if (current != null) {
                        addLinkTotal(link, current, perLink);
                    }
                    current = count.code();
                    perLink = 0;
                }
                perLink += count.clicks();
            }
            if (current != null) {
                addLinkTotal(link, current, perLink);
            }
            rollup.executeBatch();
            link.executeBatch();
            total.setLong(1, clicks);
            total.setInt(2, ThreadLocalRandom.current().nextInt(COUNTER_SLOTS));
            total.executeUpdate();
        }
    }

    private static void addLinkTotal(PreparedStatement link, ShortCode code, long clicks) throws SQLException {
        link.setString(1, code.value());
        link.setLong(2, clicks);
        link.addBatch();
    }

    /** Work inside one transaction; {@code null} from the work rolls back (nothing happened). */
    @FunctionalInterface
    private interface Work<T> {
        T in(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            // No connection, whatever the reason (pool exhausted, closed, database down): nothing
            // was tried, so it is always worth trying again.
            throw new StoreUnavailableException(what + " not applied, no connection: " + e.getMessage(), e);
        }
        try (c) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.in(c);
                if (result == null || Boolean.FALSE.equals(result)) {
                    c.rollback();
                    return result;
                }
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (e instanceof SQLException sql) {
                    throw classify(what + " not applied", sql);
                }
                throw (RuntimeException) e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                // The outcome of a failed COMMIT is unknown: the retry settles it by the ids.
                throw new StoreUnavailableException(what + ": commit failed, outcome unknown: " + e.getMessage(), e);
            }
            return result;
        } catch (SQLException e) {
            throw new StoreUnavailableException(what + ": " + e.getMessage(), e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it and the database rolls back.
        }
    }

    /** Could not reach the database (retry) versus the database refused (set aside). */
    static RuntimeException classify(String what, SQLException e) {
        String message = what + ": " + e.getMessage();
        return SqlFailures.isTransient(e) ? new StoreUnavailableException(message, e)
                : new ClickBatchRejectedException(message, e);
    }

    private void purgeIfDue() {
        long now = clock.millis();
        long last = lastPurge.get();
        if (now - last < PURGE_EVERY_MILLIS || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        purgeNow();
    }

    /** Deletes up to {@value #PURGE_ROWS} batch ids and as many events older than their retention, now. */
    public void purgeNow() {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            purge(c, PURGE_BATCHES, now - BATCH_ID_RETENTION_MILLIS);
            purge(c, PURGE_EVENTS, now - eventRetentionMillis);
        } catch (SQLException | RuntimeException e) {
            // Never out of apply() or record(): their work is committed by now, and an exception
            // would read as "not applied" to a caller that then splits the batch under new ids.
            System.getLogger(JdbcClickLedger.class.getName()).log(System.Logger.Level.WARNING,
                    () -> "event=click_purge_failed error=\"" + e.getMessage() + "\"");
        }
    }

    private static void purge(Connection c, String sql, long beforeMillis) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setBytes(1, bytes(new UUID(beforeMillis << 16, 0)));
            s.executeUpdate();
        }
    }

    /** A UUID's 16 bytes, most significant first: time-ordered ids sort by time as bytes. */
    static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    static UUID uuid(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }

}
