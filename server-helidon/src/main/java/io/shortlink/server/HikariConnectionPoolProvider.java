package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider;

/**
 * Lets Helidon's JDBC DbClient build its pool with HikariCP from configuration: a DbClient
 * created with {@code DbClient.create(config.get("db"))} gets, for its {@code db.connection}
 * node (the keys of {@code shortlink.database}: url, username, password, pool-size,
 * connection-timeout), a {@link HikariConnectionPool}. Registered through
 * {@code META-INF/services}; the server itself builds its one pool directly and shares it.
 */
public final class HikariConnectionPoolProvider implements JdbcConnectionPoolProvider {

    @Override
    public String configKey() {
        return "hikari";
    }

    @Override
    public JdbcConnectionPool create(Config config, String name) {
        return HikariConnectionPool.create(ShortlinkConfig.DatabaseConfig.from(config));
    }
}
