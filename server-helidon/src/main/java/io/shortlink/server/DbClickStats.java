package io.shortlink.server;

import io.shortlink.core.jdbc.JdbcClickLedger;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickSeries;
import io.shortlink.core.ClickStats;
import io.shortlink.core.ShortCode;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads of click statistics. Never touches raw events and never counts rows: totals come from
 * counters the ledger keeps, ranges from the per-minute rollups by primary key.
 */
final class DbClickStats implements ClickStats {
    /** Rows per striped counter (see V1 migration); the ledger writes the same slots. */
    static final int COUNTER_SLOTS = JdbcClickLedger.COUNTER_SLOTS;

    static final String LINK_TOTAL = "SELECT clicks FROM link_clicks WHERE code = ?";
    static final String MINUTES = "SELECT minute_epoch, clicks FROM click_rollups "
            + "WHERE code = ? AND minute_epoch >= ? AND minute_epoch < ? ORDER BY minute_epoch";
    static final String SUMS_SINCE = "SELECT COALESCE(SUM(clicks), 0) AS since, "
            + "COALESCE(SUM(CASE WHEN minute_epoch >= ? THEN clicks ELSE 0 END), 0) AS recent "
            + "FROM click_rollups WHERE code = ? AND minute_epoch >= ?";
    static final String TOTALS = "SELECT name, SUM(total) AS total FROM counters WHERE name IN ('links', 'clicks') GROUP BY name";

    private final DbClient db;

    DbClickStats(DbClient db) {
        this.db = db;
    }

    @Override
    public long totalClicks(ShortCode code) {
        try {
            return db.execute().get(LINK_TOTAL, code.value()).map(r -> DbLinkStore.number(r, "clicks")).orElse(0L);
        } catch (DbClientException e) {
            throw DbLinkStore.unavailable("stats query", e);
        }
    }

    @Override
    public List<ClickSeries.MinuteCount> minutes(ShortCode code, Instant from, Instant to) {
        try (Stream<DbRow> rows = db.execute().query(MINUTES, code.value(),
                ClickCount.firstMinuteAtOrAfter(from), ClickCount.firstMinuteAtOrAfter(to))) {
            return rows.map(r -> new ClickSeries.MinuteCount(
                    Instant.ofEpochSecond(DbLinkStore.number(r, "minute_epoch") * 60), DbLinkStore.number(r, "clicks"))).toList();
        } catch (DbClientException e) {
            throw DbLinkStore.unavailable("stats query", e);
        }
    }

    /** In one range scan of the rollups' primary key. */
    @Override
    public Sums sumsSince(ShortCode code, Instant since, Instant recentSince) {
        try {
            DbRow row = db.execute().get(SUMS_SINCE, ClickCount.firstMinuteAtOrAfter(recentSince), code.value(),
                    ClickCount.firstMinuteAtOrAfter(since)).orElseThrow();
            return new Sums(DbLinkStore.number(row, "since"), DbLinkStore.number(row, "recent"));
        } catch (DbClientException e) {
            throw DbLinkStore.unavailable("stats query", e);
        }
    }

    /** From the striped counters the store and the ledger keep, by primary key. */
    @Override
    public Totals totals() {
        try (Stream<DbRow> rows = db.execute().query(TOTALS)) {
            long links = 0;
            long clicks = 0;
            for (DbRow row : (Iterable<DbRow>) rows::iterator) {
                long total = DbLinkStore.number(row, "total");
                if ("links".equals(row.column("name").get(String.class))) {
                    links = total;
                } else {
                    clicks = total;
                }
            }
            return new Totals(links, clicks);
        } catch (DbClientException e) {
            throw DbLinkStore.unavailable("stats query", e);
        }
    }
}
