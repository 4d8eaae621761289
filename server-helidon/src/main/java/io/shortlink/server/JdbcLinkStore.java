package io.shortlink.server;

import io.shortlink.core.Link;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** {@link LinkStore} over JDBC (H2 in MySQL mode, MySQL, MariaDB). */
final class JdbcLinkStore implements LinkStore {
    static final String FIND = "SELECT code, url, created_at, expires_at, deleted_at FROM links WHERE code = ?";
    static final String INSERT = "INSERT INTO links (code, url, created_at, expires_at) VALUES (?, ?, ?, ?)";
    static final String COUNT_LINK = "UPDATE counters SET total = total + 1 WHERE name = 'links' AND slot = ?";
    static final String DELETE = "UPDATE links SET deleted_at = ? WHERE code = ? AND deleted_at IS NULL";

    private final DataSource dataSource;

    JdbcLinkStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, code);
        } catch (SQLException e) {
            throw new StoreUnavailableException("link lookup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void create(Link link) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(INSERT);
                 PreparedStatement count = c.prepareStatement(COUNT_LINK)) {
                insert.setString(1, link.code().value());
                insert.setString(2, link.url());
                insert.setLong(3, link.createdAt().toEpochMilli());
                setInstant(insert, 4, link.expiresAt());
                insert.executeUpdate();
                count.setInt(1, ThreadLocalRandom.current().nextInt(JdbcStats.COUNTER_SLOTS));
                count.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (isUniqueViolation(e)) {
                    throw new CodeTakenException(link.code());
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("link insert failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Link> delete(ShortCode code, Instant at) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement(DELETE)) {
            delete.setLong(1, at.toEpochMilli());
            delete.setString(2, code.value());
            delete.executeUpdate();
            return find(c, code);
        } catch (SQLException e) {
            throw new StoreUnavailableException("link delete failed: " + e.getMessage(), e);
        }
    }

    private static Optional<Link> find(Connection c, ShortCode code) throws SQLException {
        try (PreparedStatement find = c.prepareStatement(FIND)) {
            find.setString(1, code.value());
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Link(new ShortCode(rs.getString(1)), rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3)), instant(rs, 4), instant(rs, 5)));
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    /** SQLSTATE class 23 is an integrity violation; on links the only one is the unique code. */
    private static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
