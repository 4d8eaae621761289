package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return serverUrl(createOnMariaDb());
    }

    /**
     * The JDBC URL of a database nobody else uses, kept as the embedded default keeps it: H2 in a
     * file under {@code target/}; on the integration profile a MariaDB database, as {@link #fresh()}.
     */
    static String freshInFile() {
        if (!onMariaDb()) {
            return ShortlinkConfig.DatabaseConfig.h2Url("./" + Path.of("target", "db-" + UUID.randomUUID(), "app"));
        }
        return fresh();
    }

    /** A new database on the integration profile's MariaDB, behind the phase-1 stack's own JDBC URL. */
    static String freshPhase1() {
        return phase1Url(mariaDbAddress(), createOnMariaDb(), Map.of());
    }

    /** The MariaDB of the integration profile, {@code host:port}. */
    static String mariaDbAddress() {
        String address = System.getProperty(MARIADB_PROPERTY);
        if (address == null) {
            throw new IllegalStateException("no MariaDB: " + MARIADB_PROPERTY + " is set by the integration profile "
                    + "(-Pintegration, scripts/services up mariadb)");
        }
        return address;
    }

    /** Creates an empty MariaDB database nobody else uses, dropped when the test JVM ends; returns its name. */
    static String createOnMariaDb() {
        String name = "shortlink_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(serverUrl(""), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
            CREATED.add(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on MariaDB at "
                    + System.getProperty(MARIADB_PROPERTY) + " (is `scripts/services up mariadb` running?)", e);
        }
        return name;
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

    /**
     * The phase-1 stack's own JDBC URL (application-phase1.yaml, with its timeouts and batching
     * options) pointed at {@code database} on {@code hostPort}, some options replaced.
     */
    static String phase1Url(String hostPort, String database, Map<String, String> overrides) {
        String url = Config.just(ConfigSources.classpath("application-phase1.yaml"))
                .get("shortlink.database.url").asString().get();
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : URI.create(url.substring("jdbc:".length())).getRawQuery().split("&")) {
            String[] kv = option.split("=", 2);
            options.put(kv[0], kv[1]);
        }
        options.putAll(overrides);
        StringBuilder out = new StringBuilder("jdbc:mysql://").append(hostPort).append('/').append(database);
        char separator = '?';
        for (Map.Entry<String, String> option : options.entrySet()) {
            out.append(separator).append(option.getKey()).append('=').append(option.getValue());
            separator = '&';
        }
        return out.toString();
    }
}
