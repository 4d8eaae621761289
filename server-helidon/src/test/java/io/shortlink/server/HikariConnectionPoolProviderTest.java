package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DbClient built from configuration alone gets its pool from HikariCP through the SPI. */
final class HikariConnectionPoolProviderTest {

    @Test
    void dbClientFromConfig_usesTheHikariPool_andAnswersQueries() {
        Config config = Config.just(ConfigSources.create(Map.of(
                "db.source", "jdbc",
                "db.connection.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "db.connection.pool-size", "2")));

        try (var pool = (HikariConnectionPool) JdbcConnectionPool.create(config.get("db.connection"))) {
            assertEquals("hikari", pool.name());
        }
        try (DbClient db = DbClient.create(config.get("db"))) {
            long answer = db.execute().get("SELECT 41 + 1 AS answer").map(r -> DbLinkStore.number(r, "answer")).orElseThrow();
            assertEquals(42, answer);
        }
    }
}
