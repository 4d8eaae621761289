package io.shortlink.server;

import io.shortlink.core.ClickSeries;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of click statistics. Never touches raw events and never counts rows: totals come from
 * counters the ledger keeps, ranges from the per-minute rollups by primary key.
 */
final class JdbcStats {
    /** Rows per striped counter (see V1 migration). */
    static final int COUNTER_SLOTS = 16;

    static final String LINK_TOTAL = "SELECT total_clicks FROM links WHERE code = ?";
    static final String MINUTES = "SELECT minute_epoch, clicks FROM click_rollups "
            + "WHERE code = ? AND minute_epoch >= ? AND minute_epoch < ? ORDER BY minute_epoch";
    static final String SUM_SINCE = "SELECT COALESCE(SUM(clicks), 0), "
            + "COALESCE(SUM(CASE WHEN minute_epoch >= ? THEN clicks ELSE 0 END), 0) "
            + "FROM click_rollups WHERE code = ? AND minute_epoch >= ?";
    static final String TOTALS = "SELECT name, SUM(total) FROM counters WHERE name IN ('links', 'clicks') GROUP BY name";

    private final DataSource dataSource;

    JdbcStats(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Clicks recorded for {@code code} so far (0 for an unknown code). */
    long totalClicks(ShortCode code) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(LINK_TOTAL)) {
            ps.setString(1, code.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Per-minute rows of {@code code} with minute start in [from, to), in time order. */
    List<ClickSeries.MinuteCount> minutes(ShortCode code, Instant from, Instant to) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(MINUTES)) {
            ps.setString(1, code.value());
            ps.setLong(2, ceilMinute(from));
            ps.setLong(3, ceilMinute(to));
            List<ClickSeries.MinuteCount> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ClickSeries.MinuteCount(Instant.ofEpochSecond(rs.getLong(1) * 60), rs.getLong(2)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * Clicks of {@code code} in the minutes starting at or after {@code recentSince} and at or
     * after {@code since}, read in one range scan: {@code [sum since, sum since recentSince]}.
     */
    long[] sumsSince(ShortCode code, Instant since, Instant recentSince) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(SUM_SINCE)) {
            ps.setLong(1, ceilMinute(recentSince));
            ps.setString(2, code.value());
            ps.setLong(3, ceilMinute(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Links ever created and clicks ever recorded. */
    Totals totals() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(TOTALS);
             ResultSet rs = ps.executeQuery()) {
            long links = 0;
            long clicks = 0;
            while (rs.next()) {
                if ("links".equals(rs.getString(1))) {
                    links = rs.getLong(2);
                } else {
                    clicks = rs.getLong(2);
                }
            }
            return new Totals(links, clicks);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    record Totals(long links, long clicks) {
    }

    /** The first whole minute at or after {@code t}: a minute row belongs to [from, to) iff its start does. */
    private static long ceilMinute(Instant t) {
        return Math.ceilDiv(t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0), 60);
    }

    private static StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("stats query failed: " + e.getMessage(), e);
    }
}
