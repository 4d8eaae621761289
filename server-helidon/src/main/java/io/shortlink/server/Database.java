package io.shortlink.server;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The database: one HikariCP pool, Helidon's DbClient over it for the request-path queries, the
 * raw {@link DataSource} for what DbClient cannot do (JDBC batches of the click ledger, Flyway).
 */
final class Database implements AutoCloseable {
    private final HikariConnectionPool pool;
    private final DbClient dbClient;

    private Database(HikariConnectionPool pool) {
        this.pool = pool;
        this.dbClient = JdbcClientBuilder.create().connectionPool(pool).build();
    }

    /** Opens the pool and brings the schema up to date with Flyway; fails start-up if it cannot. */
    static Database open(ShortlinkConfig.DatabaseConfig config) {
        HikariConnectionPool pool = new HikariConnectionPool(config);
        try {
            Flyway.configure()
                    .dataSource(pool.dataSource())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return new Database(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    DbClient dbClient() {
        return dbClient;
    }

    DataSource dataSource() {
        return pool.dataSource();
    }

    /** Whether a connection can be had and answers within a second (readiness). */
    boolean isReachable() {
        try (Connection c = pool.dataSource().getConnection()) {
            return c.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dbClient.close();
        pool.close();
    }
}
