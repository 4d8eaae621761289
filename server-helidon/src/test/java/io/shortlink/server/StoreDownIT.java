package io.shortlink.server;

/** StoreDownTest against MariaDB (run by scripts/test with the integration profile). */
final class StoreDownIT extends StoreDownTest {
}
