package io.shortlink.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * HikariCP as the connection pool of Helidon's JDBC DbClient (Helidon's own Hikari adapter is
 * not served here). The same pool also serves the click ledger's JDBC batches and Flyway, so the
 * database sees one bounded set of connections.
 */
final class HikariConnectionPool implements CloseableJdbcConnectionPool {
    private final HikariDataSource dataSource;
    private final String dbType;

    /** Opens the pool: fails start-up if the database cannot be reached within the connection timeout. */
    HikariConnectionPool(ShortlinkConfig.DatabaseConfig config) {
        this.dataSource = new HikariDataSource(hikariConfig(config));
        this.dbType = config.isMySqlFamily() ? "mysql" : "h2";
    }

    private static HikariConfig hikariConfig(ShortlinkConfig.DatabaseConfig config) {
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
        return hikari;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("no database connection within the pool's timeout: " + e.getMessage(), e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return "hikari";
    }

    @Override
    public String type() {
        return "hikari";
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
