package io.shortlink.server;

import io.shortlink.core.access.ApiKeyStore;
import io.shortlink.core.jdbc.JdbcApiKeyStore;
import io.shortlink.core.testing.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;

/**
 * The JDBC key store against the contract every key store keeps, on a fresh database migrated
 * as the server migrates it: H2 here, MariaDB as {@code JdbcApiKeyStoreIT}.
 */
class JdbcApiKeyStoreTest extends ApiKeyStoreContract {
    private Database database;

    @Override
    protected ApiKeyStore emptyStore() {
        database = Database.open(new ShortlinkConfig.DatabaseConfig(TestDatabase.fresh(),
                TestDatabase.onMariaDb() ? TestDatabase.USER : "sa", TestDatabase.onMariaDb() ? TestDatabase.PASSWORD : "",
                2, Duration.ofSeconds(2)));
        return JdbcApiKeyStore.over(database.dataSource());
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }
}
