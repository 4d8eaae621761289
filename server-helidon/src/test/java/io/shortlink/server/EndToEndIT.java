package io.shortlink.server;

/** EndToEndTest against MariaDB (run by scripts/test with the integration profile). */
final class EndToEndIT extends EndToEndTest {
}
