package io.shortlink.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** The connection pool and the schema: opened, migrated, validated, closed. */
final class Database implements AutoCloseable {
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool and brings the schema up to date with Flyway; fails start-up if it cannot. */
    static Database open(ShortlinkConfig.DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("shortlink");
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.username());
        hikari.setPassword(config.password());
        // A fixed-size pool: connections are opened once, and a burst never waits on a handshake.
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(config.poolSize());
        // Fail a request fast when the database is saturated or gone, rather than queue it for
        // HikariCP's default 30 s: the server answers 503 and the click path retries.
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(1_000, config.connectionTimeout().toMillis()));
        hikari.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool);
    }

    DataSource dataSource() {
        return pool;
    }

    /** Whether a connection can be had and answers within a second (readiness). */
    boolean isReachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
