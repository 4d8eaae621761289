package io.shortlink.server;

/** ObserveTest against MariaDB (run by scripts/test with the integration profile). */
final class ObserveIT extends ObserveTest {
}
