package io.shortlink.server;

import java.util.Map;
import java.util.UUID;

/**
 * The Redis of the integration profile ({@code -Dshortlink.it.redis}, scripts/services' on
 * 127.0.0.1:16379 by default), for the phase-2 stack's tests: each app under a key prefix of its
 * own, so tests never see each other's keys or invalidations.
 */
final class TestRedis {
    private TestRedis() {
    }

    static String address() {
        return System.getProperty("shortlink.it.redis", "127.0.0.1:16379");
    }

    /** The settings that point an app's cache at this Redis under a new key prefix. */
    static Map<String, String> settings() {
        return Map.of(
                "shortlink.cache.l2.addresses", "redis://" + address(),
                "shortlink.cache.l2.key-prefix", "it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
    }
}
