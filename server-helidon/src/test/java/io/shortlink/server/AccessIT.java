package io.shortlink.server;

/** AccessTest against MariaDB (run by scripts/test with the integration profile). */
final class AccessIT extends AccessTest {
}
