package io.shortlink.server;

/** LinksApiTest against MariaDB (run by scripts/test with the integration profile). */
final class LinksApiIT extends LinksApiTest {
}
