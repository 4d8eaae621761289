package io.shortlink.server;

/** RedirectTest against MariaDB (run by scripts/test with the integration profile). */
final class RedirectIT extends RedirectTest {
}
