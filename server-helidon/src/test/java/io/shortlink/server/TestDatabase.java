package io.shortlink.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fresh, empty database for one test class: in-memory H2 for unit runs, or — when the
 * integration profile sets {@code shortlink.it.mariadb} to a MariaDB address started by
 * scripts/services — a new MariaDB database of its own, so the same tests run on both engines.
 */
final class TestDatabase {
    static final String MARIADB_PROPERTY = "shortlink.it.mariadb";
    static final String USER = "shortlink";
    static final String PASSWORD = "shortlink";
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();

    static {
        // Each test class gets a database of its own; drop them all when the test JVM ends.
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated, "drop-test-databases"));
    }

    private TestDatabase() {
    }

    static boolean onMariaDb() {
        return System.getProperty(MARIADB_PROPERTY) != null;
    }

    /** The JDBC URL of a database nobody else uses. */
    static String fresh() {
        if (!onMariaDb()) {
            return "jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        }
        String name = "shortlink_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(serverUrl(""), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
            CREATED.add(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on MariaDB at "
                    + System.getProperty(MARIADB_PROPERTY) + " (is `scripts/services up mariadb` running?)", e);
        }
        return serverUrl(name);
    }

    private static void dropCreated() {
        if (CREATED.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(serverUrl(""), USER, PASSWORD);
             Statement s = c.createStatement()) {
            for (String name : CREATED) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        } catch (SQLException e) {
            System.err.println("could not drop test databases " + CREATED + ": " + e.getMessage());
        }
    }

    /** The same settings as the phase-1 stack, so the tests exercise what production runs. */
    static String serverUrl(String database) {
        return "jdbc:mysql://" + System.getProperty(MARIADB_PROPERTY) + "/" + database
                + "?rewriteBatchedStatements=true&cachePrepStmts=true&useServerPrepStmts=true"
                + "&useLocalSessionState=true&connectTimeout=2000&socketTimeout=10000&sslMode=DISABLED";
    }
}
