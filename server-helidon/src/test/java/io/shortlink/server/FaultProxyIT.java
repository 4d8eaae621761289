package io.shortlink.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault proxy between Connector/J, with the phase-1 stack's URL options, and the MariaDB of
 * scripts/services: what a client really sees when a COMMIT's acknowledgement is lost or the
 * network stalls. Needs the integration profile (it sets {@code shortlink.it.mariadb}).
 */
final class FaultProxyIT {
    private static String database;
    private static String directUrl;
    private FaultProxy proxy;

    @BeforeAll
    static void createTable() throws SQLException {
        assumeTrue(TestDatabase.onMariaDb(), "needs MariaDB: run with -Pintegration (scripts/services up mariadb)");
        database = TestDatabase.createOnMariaDb();
        directUrl = TestDatabase.serverUrl(database);
        try (Connection c = DriverManager.getConnection(directUrl, TestDatabase.USER, TestDatabase.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acknowledged (id INT PRIMARY KEY)");
        }
    }

    @BeforeEach
    void startProxy() throws Exception {
        URI server = URI.create("tcp://" + System.getProperty(TestDatabase.MARIADB_PROPERTY));
        proxy = FaultProxy.to(server.getHost(), server.getPort());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    /**
     * Connector/J 9.5's {@code commit()} sends a COM_QUERY {@code "COMMIT"} (upper case) with the
     * phase-1 options: the proxy recognised and cut it. The client then gets a plain
     * CommunicationsException, SQLState 08S01, "Communications link failure" (a
     * {@link SQLRecoverableException}), the very failure it gets when the link dies before a
     * statement reached the server (see the stalled query below). The driver does have an 08007
     * "Transaction resolution unknown" for this case, but its {@code commit()} only maps a
     * checked SQLException to it, and the protocol layer throws an unchecked
     * CJCommunicationsException that bypasses that branch. So the SQLState cannot tell an
     * ambiguous commit from a clean failure: whoever retries a failed commit as "transient" must
     * make the work idempotent, for the row may be there already.
     */
    @Test
    void commit_whoseAcknowledgementIsLost_failsAsResolutionUnknown_yetTheRowIsCommitted() throws SQLException {
        SQLException failure;
        try (Connection c = DriverManager.getConnection(phase1Url(proxy.port(), Map.of()),
                TestDatabase.USER, TestDatabase.PASSWORD)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO acknowledged (id) VALUES (1)");
            }
            proxy.cutAfterCommit(1);

            failure = assertThrows(SQLException.class, c::commit);
        }
        System.out.println("FaultProxyIT lost commit acknowledgement: " + describe(failure));

        assertEquals(1, proxy.commitsCut(), "the proxy saw the driver's COMMIT and cut it");
        assertEquals("08S01", failure.getSQLState(), "not 08007 'resolution unknown'");
        assertInstanceOf(SQLRecoverableException.class, failure);
        assertEquals(1, countRows("SELECT COUNT(*) FROM acknowledged WHERE id = 1"), "committed on the server");
    }

    /** A stalled network ends in socketTimeout: CommunicationsException, SQLState 08S01, "Read timed out" at its root. */
    @Test
    void query_onAStalledConnection_failsBySocketTimeout() throws SQLException {
        try (Connection c = DriverManager.getConnection(phase1Url(proxy.port(), Map.of("socketTimeout", "1000")),
                TestDatabase.USER, TestDatabase.PASSWORD);
             Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            proxy.stall();

            long start = System.nanoTime();
            SQLException failure = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1"));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            proxy.resume();

            System.out.println("FaultProxyIT stalled query failed after " + elapsedMs + " ms: " + describe(failure));
            assertEquals("08S01", failure.getSQLState());
            assertInstanceOf(SQLRecoverableException.class, failure);
        }
    }

    /** The phase-1 stack's own JDBC URL (application-phase1.yaml), pointed at the proxy and the test database. */
    private static String phase1Url(int port, Map<String, String> overrides) {
        return TestDatabase.phase1Url("127.0.0.1:" + port, database, overrides);
    }

    private static int countRows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(directUrl, TestDatabase.USER, TestDatabase.PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String describe(SQLException e) {
        Throwable root = e;
        for (int depth = 0; depth < 10 && root.getCause() != null; depth++) {
            root = root.getCause();
        }
        return "class=" + e.getClass().getName() + " sqlState=" + e.getSQLState() + " errorCode=" + e.getErrorCode()
                + " message=\"" + firstLine(e.getMessage()) + "\" root=" + root.getClass().getName()
                + ": " + firstLine(root.getMessage());
    }

    private static String firstLine(String text) {
        return text == null ? "-" : text.lines().findFirst().orElse("");
    }
}
