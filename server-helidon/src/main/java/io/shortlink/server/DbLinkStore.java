package io.shortlink.server;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.shortlink.core.Link;
import io.shortlink.core.LinkPage;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** {@link LinkStore} on Helidon's DbClient (H2 in MySQL mode, MySQL, MariaDB). */
final class DbLinkStore implements LinkStore {
    static final String FIND = "SELECT code, url, created_at, expires_at, deleted_at FROM links WHERE code = ?";
    /** A link no key owns: what bulk seeding writes (StackDatabase.INSERT_LINK); create writes INSERT_OWNED. */
    static final String INSERT = "INSERT INTO links (code, url, created_at, expires_at) VALUES (?, ?, ?, ?)";
    static final String INSERT_OWNED = "INSERT INTO links (code, url, created_at, expires_at, owner_key) VALUES (?, ?, ?, ?, ?)";
    static final String OWNER = "SELECT owner_key FROM links WHERE code = ?";
    private static final String LISTED = "SELECT id, code, url, created_at, expires_at, deleted_at FROM links ";
    /** Every link, newest first: the primary key, read backwards from {@code id < ?}. */
    static final String LIST_ALL = LISTED + "WHERE id < ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?";
    /** One key's links, newest first: ix_links_owner (owner_key, id), read backwards. */
    static final String LIST_OWNED = LISTED + "WHERE owner_key = ? AND id < ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?";
    static final String COUNT_LINK = "UPDATE counters SET total = total + 1 WHERE name = 'links' AND slot = ?";
    static final String DELETE = "UPDATE links SET deleted_at = ? WHERE code = ? AND deleted_at IS NULL";

    private final DbClient db;

    DbLinkStore(DbClient db) {
        this.db = db;
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        try {
            return db.execute().get(FIND, code.value()).map(DbLinkStore::link);
        } catch (DbClientException e) {
            throw unavailable("link lookup", e);
        }
    }

    @Override
    public void create(Link link, Optional<String> owner) {
        DbTransaction tx;
        try {
            tx = db.transaction();
        } catch (DbClientException e) {
            throw unavailable("link insert", e);
        }
        try {
            tx.insert(INSERT_OWNED, link.code().value(), link.url(), link.createdAt().toEpochMilli(),
                    link.expiry().map(Instant::toEpochMilli).orElse(null), owner.orElse(null));
            tx.update(COUNT_LINK, ThreadLocalRandom.current().nextInt(DbClickStats.COUNTER_SLOTS));
            tx.commit();
        } catch (DbClientException e) {
            rollbackQuietly(tx);
            if (isUniqueViolation(e)) {
                throw new CodeTakenException(link.code());
            }
            throw unavailable("link insert", e);
        }
    }

    @Override
    public Optional<String> ownerOf(ShortCode code) {
        try {
            return db.execute().get(OWNER, code.value()).flatMap(row -> row.column("owner_key").asOptional()
                    .map(Object::toString));
        } catch (DbClientException e) {
            throw unavailable("link owner lookup", e);
        }
    }

    @Override
    public LinkPage list(Optional<String> owner, OptionalLong before, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", was " + limit);
        }
        long below = before.orElse(Long.MAX_VALUE);
        List<DbRow> rows;
        // One more than the page: whether a next page exists, without a count.
        try (Stream<DbRow> found = owner.isPresent()
                ? db.execute().query(LIST_OWNED, owner.get(), below, limit + 1)
                : db.execute().query(LIST_ALL, below, limit + 1)) {
            rows = found.toList();
        } catch (DbClientException e) {
            throw unavailable("link list", e);
        }
        List<Link> links = rows.stream().limit(limit).map(DbLinkStore::link).toList();
        return new LinkPage(links, rows.size() > limit ? OptionalLong.of(number(rows.get(limit - 1), "id")) : OptionalLong.empty());
    }

    @Override
    public Optional<Link> delete(ShortCode code, Instant at) {
        try {
            db.execute().update(DELETE, at.toEpochMilli(), code.value());
            return find(code);
        } catch (DbClientException e) {
            throw unavailable("link delete", e);
        }
    }

    private static Link link(DbRow row) {
        return new Link(new ShortCode(row.column("code").get(String.class)), row.column("url").get(String.class),
                Instant.ofEpochMilli(number(row, "created_at")), instant(row, "expires_at"), instant(row, "deleted_at"));
    }

    static long number(DbRow row, String column) {
        return ((Number) row.column(column).get()).longValue();
    }

    private static Instant instant(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> Instant.ofEpochMilli(((Number) v).longValue())).orElse(null);
    }

    private static void rollbackQuietly(DbTransaction tx) {
        try {
            tx.rollback();
        } catch (RuntimeException ignored) {
            // the statement already failed; the connection is returned to the pool either way
        }
    }

    /** SQLSTATE class 23 is an integrity violation; on links the only one is the unique code. */
    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    static StoreUnavailableException unavailable(String what, DbClientException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new StoreUnavailableException(what + " failed: " + root.getMessage(), e);
    }
}
