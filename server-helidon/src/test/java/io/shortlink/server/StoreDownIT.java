package io.shortlink.server;

/** StoreDownTest against MariaDB (run by scripts/test with the integration profile). */
final class StoreDownIT extends StoreDownTest {
    StoreDownIT(java.net.URI uri) {
        super(uri);
    }
}
