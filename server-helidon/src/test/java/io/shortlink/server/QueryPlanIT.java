package io.shortlink.server;

import io.shortlink.core.jdbc.JdbcClickLedger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shortlink.core.CodeGenerator;
import io.shortlink.core.ShortCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every statement the service issues, EXPLAINed on MariaDB over 100,000 links and 1,000,000
 * rollup rows: each must use its index — no full scan, no filesort, no temporary table, and a
 * bounded number of rows examined. (The statements are the production constants, not copies.)
 */
final class QueryPlanIT {
    private static final int LINKS = 100_000;
    private static final int ROLLUPS_PER_LINK = 10;
    /** One hot link with a whole week of minutes: the largest range the stats ever read. */
    private static final int HOT_MINUTES = 7 * 24 * 60;
    private static final long NOW_MINUTE = 29_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Connection db;
    private static String someCode;
    private static final String HOT_CODE = "hotlink";
    private static final String OWNER = "ownerkey01";

    @BeforeAll
    static void seed() throws SQLException {
        String url = TestDatabase.fresh();
        // Flyway through the real start-up path, so the plans are those of the real schema.
        Database.open(new ShortlinkConfig.DatabaseConfig(url, TestDatabase.USER, TestDatabase.PASSWORD, 2,
                java.time.Duration.ofSeconds(5))).close();
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        db.setAutoCommit(false);
        CodeGenerator codes = CodeGenerator.using(new SplittableRandom(7), 7);
        List<String> all = new ArrayList<>(LINKS);
        try (PreparedStatement links = db.prepareStatement(
                "INSERT INTO links (code, url, created_at) VALUES (?, ?, ?)");
             PreparedStatement totals = db.prepareStatement(
                     "INSERT INTO link_clicks (code, clicks) VALUES (?, ?)");
             PreparedStatement rollups = db.prepareStatement(
                     "INSERT INTO click_rollups (code, minute_epoch, clicks) VALUES (?, ?, ?)")) {
            for (int i = 0; i < LINKS; i++) {
                String code = codes.next().value();
                all.add(code);
                addLink(links, totals, rollups, code, "https://example.org/" + i, 1_700_000_000_000L + i,
                        ROLLUPS_PER_LINK, 97);
                if (i % 2_000 == 1_999) {
                    links.executeBatch();
                    totals.executeBatch();
                    rollups.executeBatch();
                    db.commit();
                }
            }
            addLink(links, totals, rollups, HOT_CODE, "https://example.org/hot", 1_700_000_000_000L, HOT_MINUTES, 1);
            links.executeBatch();
            totals.executeBatch();
            rollups.executeBatch();
            db.commit();
        }
        someCode = all.get(LINKS / 2);
        try (Statement s = db.createStatement()) {
            // One link in ten belongs to one key: a key with many links, the list's hard case.
            s.executeUpdate("UPDATE links SET owner_key = '" + OWNER + "' WHERE id % 10 = 0");
            db.commit();
            s.execute("ANALYZE TABLE links, link_clicks, click_rollups, counters");
        }
        db.setAutoCommit(true);
    }

    /**
     * Adds to the batches one link, its total of {@code minutes} clicks, and one click in each of
     * {@code minutes} minutes counted back from {@link #NOW_MINUTE}, {@code step} minutes apart.
     */
    private static void addLink(PreparedStatement links, PreparedStatement totals, PreparedStatement rollups,
                                String code, String url, long createdAt, int minutes, long step) throws SQLException {
        links.setString(1, code);
        links.setString(2, url);
        links.setLong(3, createdAt);
        links.addBatch();
        totals.setString(1, code);
        totals.setLong(2, minutes);
        totals.addBatch();
        for (int m = 0; m < minutes; m++) {
            rollups.setString(1, code);
            rollups.setLong(2, NOW_MINUTE - m * step);
            rollups.setLong(3, 1);
            rollups.addBatch();
        }
    }

    @AfterAll
    static void close() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void seeded_atLeast100kLinksAnd1MClickRows() throws SQLException {
        assertTrue(count("links") >= 100_000);
        assertTrue(count("click_rollups") >= 1_000_000);
    }

    @Test
    void redirectLookupAndMetadata_readOneRow_byTheUniqueCode() throws Exception {
        JsonNode table = explain(DbLinkStore.FIND, someCode);

        assertEquals("const", table.path("access_type").asText(), table.toString());
        assertEquals("uk_links_code", table.path("key").asText());
        assertEquals(1, table.path("rows").asLong());
    }

    @Test
    void ownerLookup_readsOneRow_byTheUniqueCode() throws Exception {
        JsonNode table = explain(DbLinkStore.OWNER, someCode);

        assertEquals("const", table.path("access_type").asText(), table.toString());
        assertEquals("uk_links_code", table.path("key").asText());
    }

    @Test
    void aKeysLinkList_readsOnePageFromTheOwnerIndex_newestFirst_withoutFilesort() throws Exception {
        assertOnePageFrom("ix_links_owner", analyze(DbLinkStore.LIST_OWNED, OWNER, Long.MAX_VALUE, 51));
    }

    @Test
    void theWholeLinkList_readsOnePageOfThePrimaryKey_newestFirst_withoutFilesort() throws Exception {
        assertOnePageFrom("PRIMARY", analyze(DbLinkStore.LIST_ALL, Long.MAX_VALUE, 51));
    }

    /** A page of 50 (LIMIT 51) read from {@code index}, in its order, examining no more rows than it returns. */
    private static void assertOnePageFrom(String index, JsonNode plan) {
        JsonNode table = table(plan);
        assertEquals(index, table.path("key").asText(), plan.toString());
        assertFalse(plan.toString().contains("filesort"), plan.toString());
        assertTrue(table.path("r_rows").asDouble() <= 51.5, "rows examined: the page and one more, " + plan);
    }

    @Test
    void linkTotal_readsOneRow_byPrimaryKey() throws Exception {
        JsonNode table = explain(DbClickStats.LINK_TOTAL, someCode);

        assertEquals("const", table.path("access_type").asText(), table.toString());
        assertEquals("PRIMARY", table.path("key").asText());
    }

    @Test
    void statsRange_scansThePrimaryKeyRange_inOrder_withoutFilesort() throws Exception {
        JsonNode plan = analyze(DbClickStats.MINUTES, HOT_CODE, NOW_MINUTE - 1_440, NOW_MINUTE + 1);
        JsonNode table = table(plan);

        assertEquals("range", table.path("access_type").asText(), plan.toString());
        assertEquals("PRIMARY", table.path("key").asText());
        assertEquals(1_441, table.path("r_rows").asDouble(), 0.5, "rows examined: exactly the day's minutes");
        assertFalse(plan.toString().contains("filesort"), plan.toString());
        assertFalse(plan.toString().contains("temporary_table"), plan.toString());
    }

    @Test
    void recentSums_scanAWeekOfOneLink_byThePrimaryKey() throws Exception {
        JsonNode plan = analyze(DbClickStats.SUMS_SINCE, NOW_MINUTE - 1_440, HOT_CODE, NOW_MINUTE - HOT_MINUTES + 1);
        JsonNode table = table(plan);

        assertEquals("range", table.path("access_type").asText(), plan.toString());
        assertEquals("PRIMARY", table.path("key").asText());
        assertEquals(HOT_MINUTES, table.path("r_rows").asDouble(), 0.5, "rows examined: exactly the week's minutes");
    }

    @Test
    void globalTotals_readTheStripedCounters_byPrimaryKey_neverCountingClicks() throws Exception {
        JsonNode plan = explainPlan(DbClickStats.TOTALS);
        JsonNode table = table(plan);

        assertEquals("counters", table.path("table_name").asText(), plan.toString());
        assertNotEquals("ALL", table.path("access_type").asText(), plan.toString());
        assertEquals("PRIMARY", table.path("key").asText(), plan.toString());
        assertTrue(table.path("rows").asLong() <= 2L * DbClickStats.COUNTER_SLOTS, plan.toString());
        assertFalse(plan.toString().contains("filesort"), plan.toString());
    }

    @Test
    void softDelete_updatesOneRow_byTheUniqueCode() throws Exception {
        JsonNode table = explain(DbLinkStore.DELETE, 1L, someCode);

        assertEquals("uk_links_code", table.path("key").asText(), table.toString());
        assertEquals(1, table.path("rows").asLong(), table.toString());
    }

    @Test
    void counterIncrements_updateOneRow_byPrimaryKey() throws Exception {
        for (JsonNode table : List.of(
                explain(DbLinkStore.COUNT_LINK, 3),
                explain(JdbcClickLedger.ADD_TO_TOTAL, 1L, 3))) {
            assertEquals("PRIMARY", table.path("key").asText(), table.toString());
            assertEquals(1, table.path("rows").asLong(), table.toString());
        }
    }

    @Test
    void ledgerUpserts_targetThePrimaryKeys_theirValuesFill() throws SQLException {
        // An upsert has no plan to read: it finds its row through the key it collides on. So
        // assert each key is exactly the columns the statement's values fill first.
        assertEquals(List.of("code", "minute_epoch"), primaryKey("click_rollups"));
        assertTrue(JdbcClickLedger.UPSERT_ROLLUP.startsWith("INSERT INTO click_rollups (code, minute_epoch, clicks)"));
        assertEquals(List.of("code"), primaryKey("link_clicks"));
        assertTrue(JdbcClickLedger.UPSERT_LINK_TOTAL.startsWith("INSERT INTO link_clicks (code, clicks)"));
    }

    private static List<String> primaryKey(String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = db.getMetaData().getPrimaryKeys(db.getCatalog(), null, table)) {
            while (rs.next()) {
                columns.add(rs.getShort("KEY_SEQ") - 1, rs.getString("COLUMN_NAME"));
            }
        }
        return columns;
    }

    @Test
    void codes_areCaseSensitive_inTheIndex() throws SQLException {
        String upper = someCode.toUpperCase();
        if (upper.equals(someCode)) {
            upper = someCode.toLowerCase();
        }
        try (PreparedStatement ps = db.prepareStatement(DbLinkStore.FIND)) {
            ps.setString(1, upper);
            try (ResultSet rs = ps.executeQuery()) {
                assertFalse(rs.next() && rs.getString(1).equals(someCode), "binary collation: " + upper + " is not " + someCode);
            }
        }
        assertTrue(ShortCode.parse(upper).isPresent());
    }

    private static long count(String table) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The plan's single table node. */
    private static JsonNode explain(String sql, Object... params) throws Exception {
        return table(explainPlan(sql, params));
    }

    private static JsonNode explainPlan(String sql, Object... params) throws Exception {
        return plan("EXPLAIN FORMAT=JSON ", sql, params);
    }

    /** Runs the statement and returns its plan with the rows actually examined ({@code r_rows}). */
    private static JsonNode analyze(String sql, Object... params) throws Exception {
        return plan("ANALYZE FORMAT=JSON ", sql, params);
    }

    private static JsonNode plan(String prefix, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(prefix + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return JSON.readTree(rs.getString(1));
            }
        }
    }

    /** The one table node wherever MariaDB nests it (grouping, ordering, update wrappers). */
    private static JsonNode table(JsonNode plan) {
        JsonNode found = plan.findValue("table");
        if (found == null) {
            throw new AssertionError("no table in plan " + plan);
        }
        return found;
    }
}
