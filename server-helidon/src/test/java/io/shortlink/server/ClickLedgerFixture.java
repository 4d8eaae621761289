package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.jdbc.JdbcClickLedger;
import io.shortlink.core.testing.CountingMetrics;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production click ledger as the phase-1 stack runs it, on a fresh MariaDB database that it
 * reaches through a {@link FaultProxy}: for fault tests of the in-process click path.
 *
 * <pre>{@code
 * try (ClickLedgerFixture db = ClickLedgerFixture.open();
 *      ClickBatcher clicks = db.batcher().config(config).start()) {
 *     db.proxy().cutAfterCommit(1);
 *     ...
 *     assertEquals(expected, db.totals().linkClicks());
 * }
 * }</pre>
 *
 * <p>The ledger's pool is the phase-1 one (application-phase1.yaml: its pool size, connection
 * timeout and JDBC options, socketTimeout=3000 included) pointed at the proxy. The ledger is
 * wrapped in a {@link CountingLedger}; batchers made by {@link #batcher()} report to
 * {@link #metrics()}. {@link #tables()}, {@link #totals()} and {@link #execute} go straight to MariaDB, never through
 * the proxy, so they work while it is cutting or stalling.
 */
final class ClickLedgerFixture implements AutoCloseable {
    private final ClickTables tables;
    private final FaultProxy proxy;
    private final Database database;
    private final CountingLedger ledger;
    private final CountingMetrics metrics = new CountingMetrics();
    private final AtomicReference<Runnable> beforeNextCommit = new AtomicReference<>();

    private ClickLedgerFixture(ClickTables tables, FaultProxy proxy, Database database) {
        this.tables = tables;
        this.proxy = proxy;
        this.database = database;
        this.ledger = new CountingLedger(JdbcClickLedger.builder(withCommitHook(database.dataSource()))
                .dialect(JdbcClickLedger.Dialect.MYSQL)
                .build());
    }

    /**
     * A new database on the integration profile's MariaDB, migrated, with a proxy in front; skips
     * the test (an assumption) without the integration profile.
     */
    static ClickLedgerFixture open() throws IOException {
        assumeTrue(TestDatabase.onMariaDb(), "needs MariaDB: run with -Pintegration (scripts/services up mariadb)");
        String name = TestDatabase.createOnMariaDb();
        URI server = URI.create("tcp://" + TestDatabase.mariaDbAddress());
        FaultProxy proxy = FaultProxy.to(server.getHost(), server.getPort());
        try {
            ShortlinkConfig.DatabaseConfig phase1 = ShortlinkConfig.DatabaseConfig.from(
                    Config.just(ConfigSources.classpath("application-phase1.yaml")).get("shortlink.database"));
            Database database = Database.open(new ShortlinkConfig.DatabaseConfig(
                    TestDatabase.phase1Url("127.0.0.1:" + proxy.port(), name, Map.of()),
                    phase1.username(), phase1.password(), phase1.poolSize(), phase1.connectionTimeout()));
            return new ClickLedgerFixture(ClickTables.of(name), proxy, database);
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /** A batcher over {@link #ledger()} reporting to {@link #metrics()}; the test adds the rest. */
    ClickBatcher.Builder batcher() {
        return ClickBatcher.builder(ledger).metrics(metrics);
    }

    /** The production JDBC ledger, counted. */
    CountingLedger ledger() {
        return ledger;
    }

    CountingMetrics metrics() {
        return metrics;
    }

    /**
     * Runs {@code action} once, in the ledger's thread, just before the next {@code commit()}
     * the ledger calls leaves for the proxy: a fault that lands exactly at a commit.
     */
    void beforeNextCommit(Runnable action) {
        beforeNextCommit.set(action);
    }

    /** The proxy between the ledger and MariaDB, to cut, stall or refuse its connections. */
    FaultProxy proxy() {
        return proxy;
    }

    /** Runs one statement on the database directly (not through the proxy). */
    void execute(String sql) throws SQLException {
        tables.execute(sql);
    }

    /** What the database has counted, read directly (not through the proxy). */
    ClickTables.Totals totals() throws SQLException {
        return tables.totals();
    }

    /** The ledger's tables, read directly (not through the proxy). */
    ClickTables tables() {
        return tables;
    }

    /** Closes the pool, then the proxy; the database itself is dropped when the test JVM ends. */
    @Override
    public void close() {
        try {
            database.close();
        } finally {
            proxy.close();
        }
    }

    private DataSource withCommitHook(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (self, method, args) -> {
                    Object result = call(target, method, args);
                    return result instanceof Connection c ? withCommitHook(c) : result;
                });
    }

    private Connection withCommitHook(Connection target) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (self, method, args) -> {
                    if ("commit".equals(method.getName())) {
                        Runnable action = beforeNextCommit.getAndSet(null);
                        if (action != null) {
                            action.run();
                        }
                    }
                    return call(target, method, args);
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
