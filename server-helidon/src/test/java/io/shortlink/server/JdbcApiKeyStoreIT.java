package io.shortlink.server;

/** JdbcApiKeyStoreTest against MariaDB (run by scripts/test with the integration profile). */
final class JdbcApiKeyStoreIT extends JdbcApiKeyStoreTest {
}
