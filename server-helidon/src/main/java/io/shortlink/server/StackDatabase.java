package io.shortlink.server;

import io.helidon.dbclient.DbClient;
import io.shortlink.core.ClickStats;
import io.shortlink.core.LinkStore;
import io.shortlink.core.jdbc.JdbcClickLedger;

import javax.sql.DataSource;

/**
 * A stack's database opened as the server opens it: the stack's settings (its profile files over
 * application.yaml, then system properties and environment variables), the HikariCP pool, the
 * schema migrated, and the server's own adapters over it. For tools that seed, time or inspect
 * the database of a stack without its listener (the {@code tools} module); not a request path.
 *
 * <pre>{@code
 * try (StackDatabase db = StackDatabase.open("phase1")) {
 *     long clicks = db.stats().totals().clicks();
 * }
 * }</pre>
 */
public final class StackDatabase implements AutoCloseable {
    /** The statement that inserts one link: code, url, created_at (epoch ms), expires_at (epoch ms or null). */
    public static final String INSERT_LINK = DbLinkStore.INSERT;

    private final ShortlinkConfig config;
    private final Database database;

    private StackDatabase(ShortlinkConfig config, Database database) {
        this.config = config;
        this.database = database;
    }

    /** Opens the database of {@code stack} ({@code embedded}, {@code phase1}, ...); fails if it cannot. */
    public static StackDatabase open(String stack) {
        ShortlinkConfig config = ShortlinkConfig.from(Main.config(stack), stack);
        return new StackDatabase(config, Database.open(config.database()));
    }

    /** The JDBC URL without its options (no credentials), for reports. */
    public String url() {
        return config.database().url().replaceAll("[?;].*", "");
    }

    /** The length of the codes this stack generates. */
    public int codeLength() {
        return config.codeLength();
    }

    public DataSource dataSource() {
        return database.dataSource();
    }

    public DbClient dbClient() {
        return database.dbClient();
    }

    /** The links table, through the server's adapter. */
    public LinkStore links() {
        return new DbLinkStore(database.dbClient());
    }

    /** The click statistics, through the server's adapter. */
    public ClickStats stats() {
        return new DbClickStats(database.dbClient());
    }

    /** The click ledger in this database's dialect. */
    public JdbcClickLedger ledger() {
        return JdbcClickLedger.builder(database.dataSource())
                .dialect(JdbcClickLedger.Dialect.of(config.database().url()))
                .eventRetention(config.eventRetention())
                .build();
    }

    @Override
    public void close() {
        database.close();
    }
}
