package io.shortlink.server;

/** StatsApiTest against MariaDB (run by scripts/test with the integration profile). */
final class StatsApiIT extends StatsApiTest {
}
