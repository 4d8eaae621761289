package io.shortlink.server;

/**
 * StoreDownTest on the phase-2 stack (MariaDB and Redis): with the Redis tier in between, a code
 * the in-process tier does not hold still answers 503 while the database is down — never 404,
 * and no absence is written to either tier.
 */
@ServedApp(stack = ServedApp.Stack.PHASE2, settings = "shortlink.clicks.close-timeout=PT0.2S")
final class Phase2StoreDownIT extends StoreDownTest {
}
