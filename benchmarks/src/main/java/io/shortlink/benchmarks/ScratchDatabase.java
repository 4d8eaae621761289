package io.shortlink.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shortlink.core.ShortCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A throwaway MariaDB database for one benchmark trial: created under a random name
 * ({@code shortlink_it_bench_<hex>}), migrated with lib-core's Flyway schema, seeded with links,
 * reached through a HikariCP pool with the server's phase-1 driver options, and dropped on
 * {@link #close()} (or, if the fork is stopped first, by a shutdown hook).
 */
final class ScratchDatabase implements AutoCloseable {
    /** {@code -Dshortlink.bench.mariadb=host:port} points the benchmarks at another MariaDB. */
    static final String ADDRESS_PROPERTY = "shortlink.bench.mariadb";
    static final String DEFAULT_ADDRESS = "127.0.0.1:13306";
    /**
     * The Connector/J options of server-helidon's {@code application-phase1.yaml}, verbatim, so
     * the ledger meets the driver as the phase-1 server configures it (reasons are given there).
     */
    static final String URL_OPTIONS = "rewriteBatchedStatements=true&cachePrepStmts=true&prepStmtCacheSize=64"
            + "&prepStmtCacheSqlLimit=1024&useServerPrepStmts=true&useLocalSessionState=true"
            + "&cacheServerConfiguration=true&elideSetAutoCommits=true&maintainTimeStats=false"
            + "&connectTimeout=2000&socketTimeout=3000&sslMode=DISABLED";
    /**
     * A prototype for comparison, never the default: the same options with client-side prepared
     * statements, so a rewritten multi-row batch goes as one text query instead of a server-side
     * prepare, execute and close (its SQL is longer than prepStmtCacheSqlLimit, so it is never
     * cached).
     */
    static final String URL_OPTIONS_CLIENT_PREPARED = URL_OPTIONS.replace("useServerPrepStmts=true",
            "useServerPrepStmts=false");
    /** The rollup table's columns without its key: what a plain multi-row INSERT costs. */
    static final String SCRATCH_TABLE = "click_rollups_scratch";
    /**
     * HikariCP and Flyway report start and stop at INFO between JMH's iteration lines; warnings
     * still show. Held here because java.util.logging keeps loggers only weakly.
     */
    private static final List<Logger> QUIETED = Stream.of("com.zaxxer.hikari", "org.flywaydb")
            .map(Logger::getLogger).peek(logger -> logger.setLevel(Level.WARNING)).toList();
    private static final String USER = "shortlink";
    private static final int DROP_ATTEMPTS = 10;
    private static final String PASSWORD = "shortlink";

    private final String serverUrl;
    private final String name;
    private final HikariDataSource pool;
    private final Thread dropOnExit;
    private boolean closed;

    private ScratchDatabase(String serverUrl, String name, HikariDataSource pool) {
        this.serverUrl = serverUrl;
        this.name = name;
        this.pool = pool;
        this.dropOnExit = new Thread(this::drop, "drop-" + name);
        Runtime.getRuntime().addShutdownHook(dropOnExit);
    }

    /**
     * Creates, migrates and seeds a database with a link for every code; the pool connects with
     * {@code urlOptions} ({@link #URL_OPTIONS} but for a prototype).
     *
     * @throws Unreachable if no MariaDB answers at the configured address
     */
    static ScratchDatabase create(ShortCode[] links, int poolSize, String urlOptions) {
        String address = System.getProperty(ADDRESS_PROPERTY, DEFAULT_ADDRESS);
        String serverUrl = "jdbc:mysql://" + address + "/?" + URL_OPTIONS;
        String name = "shortlink_it_bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try {
            sweep(serverUrl);
            execute(serverUrl, "CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new Unreachable("MariaDB not reachable at " + address + " as " + USER + " (" + e.getMessage()
                    + "): skipping this benchmark. Start it with scripts/services up mariadb, or point -D"
                    + ADDRESS_PROPERTY + "=host:port at one.");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("bench");
        hikari.setJdbcUrl("jdbc:mysql://" + address + "/" + name + "?" + urlOptions);
        hikari.setUsername(USER);
        hikari.setPassword(PASSWORD);
        // As the server's pool (HikariConnectionPool): fixed size, connections opened once before
        // measuring; a missing connection fails within a second instead of HikariCP's 30 s.
        hikari.setMaximumPoolSize(poolSize);
        hikari.setMinimumIdle(poolSize);
        hikari.setConnectionTimeout(1_000);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(1_000);
        ScratchDatabase db = new ScratchDatabase(serverUrl, name, new HikariDataSource(hikari));
        try {
            Flyway.configure().dataSource(db.pool).locations("classpath:db/migration").load().migrate();
            db.seed(links);
            return db;
        } catch (RuntimeException | SQLException e) {
            db.close();
            throw new IllegalStateException("could not prepare " + name + ": " + e.getMessage(), e);
        }
    }

    private void seed(ShortCode[] links) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO links (code, url, created_at) VALUES (?, ?, ?)")) {
                for (ShortCode code : links) {
                    insert.setString(1, code.value());
                    insert.setString(2, "https://example.org/articles/" + code.value());
                    insert.setLong(3, now);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + SCRATCH_TABLE + " ("
                        + "code VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                        + "minute_epoch BIGINT NOT NULL, clicks BIGINT NOT NULL)");
            }
            c.commit();
        }
    }

    DataSource dataSource() {
        return pool;
    }

    String name() {
        return name;
    }

    /** Empties the scratch table, so a plain-insert run does not grow it without bound. */
    void truncateScratch() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE " + SCRATCH_TABLE);
        }
    }

    @Override
    public void close() {
        drop();
        try {
            Runtime.getRuntime().removeShutdownHook(dropOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run.
        }
    }

    private synchronized void drop() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        // The shared MariaDB is at times paused for a few seconds by fault-injection tests: a
        // failed drop is tried again for up to half a minute before the database is left behind
        // (for the next trial's sweep).
        for (int attempt = 1; ; attempt++) {
            try {
                execute(serverUrl, "DROP DATABASE IF EXISTS " + name);
                return;
            } catch (SQLException e) {
                if (attempt == DROP_ATTEMPTS) {
                    System.err.println("event=scratch_database_not_dropped name=" + name + " error=\"" + e.getMessage()
                            + "\"");
                    return;
                }
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Drops the scratch databases of forks that died without their teardown (JMH skips a trial's
     * teardown when the trial fails): those created more than an hour ago. Forks run one at a
     * time and live minutes, so none of them is in use.
     */
    private static void sweep(String serverUrl) throws SQLException {
        List<String> stale = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(serverUrl, USER, PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT table_schema FROM information_schema.tables "
                     + "WHERE table_schema LIKE 'shortlink\\_it\\_bench\\_%' GROUP BY table_schema "
                     + "HAVING MAX(create_time) < NOW() - INTERVAL 1 HOUR");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                stale.add(rs.getString(1));
            }
        }
        for (String schema : stale) {
            execute(serverUrl, "DROP DATABASE IF EXISTS `" + schema + "`");
            System.err.println("event=scratch_database_swept name=" + schema);
        }
    }

    /** No MariaDB to measure against; the message says how to get one. No stack trace: it is not a bug. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }
}
