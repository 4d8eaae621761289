package io.shortlink.core.jdbc;

import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.access.ApiKey;
import io.shortlink.core.access.ApiKeyStore;
import io.shortlink.core.access.Scope;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link ApiKeyStore} over JDBC (MariaDB/MySQL, or H2 in MySQL mode), on the {@code api_keys}
 * table of this module's Flyway migrations (V4). Each call is one statement on a connection of
 * its own (auto-commit). Any {@link SQLException} but a taken id is
 * {@link StoreUnavailableException}: an API call then answers 503, never 401.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {
    private static final String COLUMNS = "id, label, scopes, created_at, expires_at, revoked_at, last_used_at, token_hash";
    static final String INSERT = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String FIND = "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?";
    static final String LIST = "SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id";
    static final String REVOKE = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    static final String MARK_USED = "UPDATE api_keys SET last_used_at = ? WHERE id = ?";

    private final DataSource dataSource;

    private JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Keys in the {@code api_keys} table that {@code dataSource} reaches. */
    public static JdbcApiKeyStore over(DataSource dataSource) {
        return new JdbcApiKeyStore(dataSource);
    }

    @Override
    public void create(ApiKey key, byte[] tokenHash) {
        Objects.requireNonNull(key, "key");
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setString(1, key.id());
            s.setString(2, key.label());
            s.setString(3, key.scopes().stream().sorted().map(Scope::wireName).collect(Collectors.joining(" ")));
            s.setLong(4, key.createdAt().toEpochMilli());
            setInstant(s, 5, key.expiresAt());
            setInstant(s, 6, key.revokedAt());
            setInstant(s, 7, key.lastUsedAt());
            s.setBytes(8, tokenHash);
            s.executeUpdate();
        } catch (SQLIntegrityConstraintViolationException e) {
            throw new IllegalStateException("a key with id " + key.id() + " exists", e);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                // H2 reports a duplicate key with this state but a plain SQLException.
                throw new IllegalStateException("a key with id " + key.id() + " exists", e);
            }
            throw unavailable("store the key " + key.id(), e);
        }
    }

    @Override
    public Optional<Stored> find(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(stored(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("read the key " + id, e);
        }
    }

    @Override
    public List<ApiKey> list() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LIST);
             ResultSet rs = s.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(stored(rs).key());
            }
            return List.copyOf(keys);
        } catch (SQLException e) {
            throw unavailable("list the keys", e);
        }
    }

    @Override
    public Optional<ApiKey> revoke(String id, Instant at) {
        dateKey(REVOKE, at, id, "revoke");
        // Revoked already or just now: either way the row (if any) now says when.
        return find(id).map(Stored::key);
    }

    @Override
    public void markUsed(String id, Instant at) {
        dateKey(MARK_USED, at, id, "record the use of");
    }

    /** Runs an update that sets one date column of the key {@code id}. */
    private void dateKey(String sql, Instant at, String id, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(what + " the key " + id, e);
        }
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : rs.getString("scopes").split(" ")) {
            // A scope this version does not know (written by a newer one) grants nothing here.
            Scope.fromWireName(name).ifPresent(scopes::add);
        }
        if (scopes.isEmpty()) {
            throw new IllegalStateException("the key " + rs.getString("id") + " has no scope this version knows: "
                    + rs.getString("scopes"));
        }
        ApiKey key = new ApiKey(rs.getString("id"), rs.getString("label"), scopes,
                Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "expires_at"),
                instant(rs, "revoked_at"), instant(rs, "last_used_at"));
        return new Stored(key, rs.getBytes("token_hash"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException("could not " + what + ": " + e.getMessage(), e);
    }
}
