package io.shortlink.server;

import org.flywaydb.core.Flyway;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the click ledger wrote to a MariaDB test database, read straight from its tables over a
 * connection of its own (never a pool or proxy under test), so that it works while those are
 * failing, and from any process's database.
 */
final class ClickTables {
    private final String name;
    private final String url;

    private ClickTables(String name) {
        this.name = name;
        this.url = TestDatabase.serverUrl(name);
    }

    /** The tables of test database {@code name} on the integration profile's MariaDB. */
    static ClickTables of(String name) {
        return new ClickTables(name);
    }

    /** The database's name. */
    String name() {
        return name;
    }

    /** A fresh MariaDB test database with the schema migrated, as the server's Flyway would. */
    static ClickTables createMigrated() {
        ClickTables tables = of(TestDatabase.createOnMariaDb());
        Flyway.configure()
                .dataSource(tables.url, TestDatabase.USER, TestDatabase.PASSWORD)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return tables;
    }

    /** Runs one statement. */
    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Clicks as the three places the ledger counts them hold them. */
    Totals totals() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Map<String, Long> links = perCode(s, "SELECT code, clicks FROM link_clicks");
            Map<String, Long> rollups = perCode(s, "SELECT code, SUM(clicks) FROM click_rollups GROUP BY code");
            return new Totals(links, rollups, single(s, "SELECT COALESCE(SUM(total), 0) FROM counters WHERE name = 'clicks'"));
        }
    }

    /** The global click counter alone: 16 rows by primary key, cheap enough to poll (in a condition: unchecked). */
    long global() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return single(s, "SELECT COALESCE(SUM(total), 0) FROM counters WHERE name = 'clicks'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the global click counter of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Rows in {@code click_events}: distinct event ids (its primary key). */
    long events() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return single(s, "SELECT COUNT(*) FROM click_events");
        }
    }

    /** The event ids in {@code click_events}. */
    Set<UUID> eventIds() throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id FROM click_events")) {
            while (rs.next()) {
                ByteBuffer b = ByteBuffer.wrap(rs.getBytes(1));
                ids.add(new UUID(b.getLong(), b.getLong()));
            }
        }
        return ids;
    }

    /** The stored positions of {@code stream}, per partition. */
    Map<Integer, Long> positions(String stream) throws SQLException {
        Map<Integer, Long> out = new TreeMap<>();
        try (Connection c = connect();
             var s = c.prepareStatement("SELECT part, next_offset FROM stream_positions WHERE stream = ?")) {
            s.setString(1, stream);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * Clicks as the three places the ledger writes them hold them.
     *
     * @param linkClicks per link, from {@code link_clicks}
     * @param rollups    per link, summed over its minutes in {@code click_rollups}
     * @param global     the striped global counter
     */
    record Totals(Map<String, Long> linkClicks, Map<String, Long> rollups, long global) {
        long linkClicksSum() {
            return linkClicks.values().stream().mapToLong(Long::longValue).sum();
        }

        long rollupsSum() {
            return rollups.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> perCode(Statement s, String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }
}
