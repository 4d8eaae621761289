package io.shortlink.server;

/** JdbcClickLedgerTest against MariaDB (run by scripts/test with the integration profile). */
final class JdbcClickLedgerIT extends JdbcClickLedgerTest {
}
