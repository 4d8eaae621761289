package io.shortlink.cache;

import static io.shortlink.core.ConfigRules.requireAtLeast;
import static io.shortlink.core.ConfigRules.requirePositive;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link RedisLinkTier} reaches Redis and what it keeps there. Validated on construction: a
 * bad value fails at start-up with a message naming the rule. Start from {@link #defaults()} and
 * name your servers with {@link #withSingleServer} or {@link #withCluster}.
 *
 * @param mode                    one Redis server, or a Redis Cluster
 * @param addresses               {@code redis://host:port} (or {@code rediss://} for TLS): the one
 *                                server, or some nodes of the cluster (the rest are discovered)
 * @param keyPrefix               put before every key and the invalidation channel, so several
 *                                deployments (or test runs) can share one Redis
 * @param l2Ttl                   how long a found link stays in Redis after it was written
 * @param negativeTtl             how long a code the store did not know stays in Redis as absent;
 *                                not longer than {@code l2Ttl}
 * @param tombstoneTtl            how long an invalidated code stays marked "changed" in Redis, so
 *                                that no load that read the store before the change writes its
 *                                answer back; longer than the longest store query
 * @param commandTimeout          how long one Redis command may take before it counts as failed
 * @param retryAttempts           how many times a failed command is sent again; each adds up to a
 *                                {@code commandTimeout} to the longest wait ({@link #longestWait()})
 * @param connectTimeout          how long opening a connection to Redis may take (in the
 *                                background: requests never wait for a connect)
 * @param breaker                 when Redis is given up on for a while
 * @param maxPendingInvalidations most invalidations kept while Redis cannot take them, to be
 *                                written when it is back; beyond it they are dropped (counted)
 */
public record RedisTierConfig(
        Mode mode,
        List<String> addresses,
        String keyPrefix,
        Duration l2Ttl,
        Duration negativeTtl,
        Duration tombstoneTtl,
        Duration commandTimeout,
        int retryAttempts,
        Duration connectTimeout,
        Breaker breaker,
        int maxPendingInvalidations) {

    /** One Redis server, or a Redis Cluster (Redisson discovers the nodes and follows failovers). */
    public enum Mode {
        SINGLE,
        CLUSTER
    }

    public RedisTierConfig {
        Objects.requireNonNull(mode, "mode");
        addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses must name at least one Redis server");
        }
        if (mode == Mode.SINGLE && addresses.size() != 1) {
            throw new IllegalArgumentException("mode SINGLE takes exactly one address, was " + addresses);
        }
        for (String address : addresses) {
            if (!address.matches("rediss?://[^/\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("an address must look like redis://host:port (or rediss://), was '"
                        + address + "'");
            }
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        // A hash tag in the prefix ({...}) would put every key in one cluster slot, one node.
        if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")
                || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("keyPrefix must be non-empty, without whitespace or braces, was '"
                    + keyPrefix + "'");
        }
        requirePositive("l2Ttl", l2Ttl);
        requirePositive("negativeTtl", negativeTtl);
        // The reason of CacheConfig: absence ends by a create, which is the likelier change.
        if (negativeTtl.compareTo(l2Ttl) > 0) {
            throw new IllegalArgumentException("negativeTtl (" + negativeTtl + ") must not be longer than l2Ttl ("
                    + l2Ttl + ")");
        }
        // Redis counts these in milliseconds; Redisson takes its timeouts in whole milliseconds.
        requireAtLeast("tombstoneTtl", tombstoneTtl, Duration.ofSeconds(1));
        requireAtLeast("commandTimeout", commandTimeout, Duration.ofMillis(1));
        requireAtLeast("connectTimeout", connectTimeout, Duration.ofMillis(1));
        if (retryAttempts < 0) {
            throw new IllegalArgumentException("retryAttempts must be 0 or more, was " + retryAttempts);
        }
        Objects.requireNonNull(breaker, "breaker");
        if (maxPendingInvalidations < 1) {
            throw new IllegalArgumentException("maxPendingInvalidations must be at least 1, was "
                    + maxPendingInvalidations);
        }
    }

    /**
     * One server at {@code redis://127.0.0.1:6379} (Redis's own default; name yours), prefix
     * {@code shortlink:}, 10 min, 1 min, 10 s, 50 ms, no retry, 1 s, {@link Breaker#defaults()},
     * 10,000.
     *
     * <ul>
     *   <li>l2Ttl 10 min: Redis shields the store from every instance's L1 misses; a code is
     *       read from the store about once per 10 min whatever the number of instances. It is
     *       also the worst case staleness when an instance dies with invalidations it could not
     *       deliver (Redis was down): the same bound as an L1-only deployment has today.</li>
     *   <li>negativeTtl 1 min: a create replaces the absence at once (a tombstone), so this only
     *       bounds the crash case above; long enough that a scanner probing random codes across
     *       many instances costs the store one query per code a minute.</li>
     *   <li>tombstoneTtl 10 s: longer than the longest load (a store query has a timeout of a
     *       few seconds), so a load that read the store before a change cannot write its answer
     *       back; for 10 s after a create or delete, misses of that code go to the store.</li>
     *   <li>commandTimeout 50 ms, no retry: a healthy GET takes well under a millisecond; a Redis
     *       that has not answered in 50 ms is slower than the store it shields (a primary-key
     *       read, a few ms), so the request goes there. A retry would double the worst wait for
     *       little: a failure here costs a store read, not an error.</li>
     *   <li>connectTimeout 1 s: connections are opened in the background; a connect on a LAN
     *       takes a millisecond, a second rides out a busy host without giving up early.</li>
     *   <li>10,000 pending invalidations: ~1 MB; at 100 creates and deletes a second, an outage
     *       of 100 s before any is dropped.</li>
     * </ul>
     */
    public static RedisTierConfig defaults() {
        return new RedisTierConfig(Mode.SINGLE, List.of("redis://127.0.0.1:6379"), "shortlink:",
                Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofMillis(50), 0, Duration.ofSeconds(1), Breaker.defaults(), 10_000);
    }

    /**
     * The longest a resolve waits on Redis for one read: {@code commandTimeout} once, and again
     * per retry. A miss that reads Redis then the store waits at most this plus the store.
     */
    public Duration longestWait() {
        return commandTimeout.multipliedBy(retryAttempts + 1L);
    }

    /** The key of {@code code}'s value. */
    String key(String code) {
        return keyPrefix + "link:" + code;
    }

    /** The channel that carries invalidated codes between instances. */
    String channel() {
        return keyPrefix + "invalidations";
    }

    public RedisTierConfig withSingleServer(String address) {
        return edit(d -> {
            d.mode = Mode.SINGLE;
            d.addresses = List.of(address);
        });
    }

    public RedisTierConfig withCluster(List<String> nodeAddresses) {
        return edit(d -> {
            d.mode = Mode.CLUSTER;
            d.addresses = nodeAddresses;
        });
    }

    public RedisTierConfig withKeyPrefix(String value) {
        return edit(d -> d.keyPrefix = value);
    }

    public RedisTierConfig withL2Ttl(Duration value) {
        return edit(d -> d.l2Ttl = value);
    }

    public RedisTierConfig withNegativeTtl(Duration value) {
        return edit(d -> d.negativeTtl = value);
    }

    public RedisTierConfig withTombstoneTtl(Duration value) {
        return edit(d -> d.tombstoneTtl = value);
    }

    public RedisTierConfig withCommandTimeout(Duration value) {
        return edit(d -> d.commandTimeout = value);
    }

    public RedisTierConfig withRetryAttempts(int value) {
        return edit(d -> d.retryAttempts = value);
    }

    public RedisTierConfig withConnectTimeout(Duration value) {
        return edit(d -> d.connectTimeout = value);
    }

    public RedisTierConfig withBreaker(Breaker value) {
        return edit(d -> d.breaker = value);
    }

    public RedisTierConfig withMaxPendingInvalidations(int value) {
        return edit(d -> d.maxPendingInvalidations = value);
    }

    /** A copy with {@code change} applied to a draft of this config, validated as a new one. */
    private RedisTierConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new RedisTierConfig(d.mode, d.addresses, d.keyPrefix, d.l2Ttl, d.negativeTtl, d.tombstoneTtl,
                d.commandTimeout, d.retryAttempts, d.connectTimeout, d.breaker, d.maxPendingInvalidations);
    }

    /** The components, mutable, for {@link #edit}. */
    private static final class Draft {
        Mode mode;
        List<String> addresses;
        String keyPrefix;
        Duration l2Ttl;
        Duration negativeTtl;
        Duration tombstoneTtl;
        Duration commandTimeout;
        int retryAttempts;
        Duration connectTimeout;
        Breaker breaker;
        int maxPendingInvalidations;

        Draft(RedisTierConfig c) {
            mode = c.mode;
            addresses = c.addresses;
            keyPrefix = c.keyPrefix;
            l2Ttl = c.l2Ttl;
            negativeTtl = c.negativeTtl;
            tombstoneTtl = c.tombstoneTtl;
            commandTimeout = c.commandTimeout;
            retryAttempts = c.retryAttempts;
            connectTimeout = c.connectTimeout;
            breaker = c.breaker;
            maxPendingInvalidations = c.maxPendingInvalidations;
        }
    }

    /**
     * When the tier stops asking Redis: once {@code failureRatePercent} of the last
     * {@code window} calls failed (timeouts included), Redis is skipped for {@code openFor};
     * then {@code halfOpenCalls} calls probe it, and if enough succeed it is used again.
     *
     * @param failureRatePercent above 0, at most 100
     * @param window             calls the rate is measured over; no decision before that many
     * @param openFor            how long Redis is skipped before it is probed again
     * @param halfOpenCalls      how many calls probe it
     */
    public record Breaker(float failureRatePercent, int window, Duration openFor, int halfOpenCalls) {

        public Breaker {
            if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("breaker failureRatePercent must be above 0 and at most 100, was "
                        + failureRatePercent);
            }
            if (window < 1) {
                throw new IllegalArgumentException("breaker window must be at least 1 call, was " + window);
            }
            requirePositive("breaker openFor", openFor);
            if (halfOpenCalls < 1) {
                throw new IllegalArgumentException("breaker halfOpenCalls must be at least 1, was " + halfOpenCalls);
            }
        }

        /**
         * 50 % of 10 calls, open for 1 s, 3 probes.
         *
         * <ul>
         *   <li>10 calls: a dead Redis costs at most ~10 waits of {@code commandTimeout} before it
         *       is skipped; a stray timeout in a healthy Redis (1 in 10) does not open it.</li>
         *   <li>1 s: a restarted Redis is back in use within about a second; while it stays
         *       down, 3 probes a second cost 3 requests one {@code commandTimeout} each.</li>
         * </ul>
         */
        public static Breaker defaults() {
            return new Breaker(50, 10, Duration.ofSeconds(1), 3);
        }
    }
}
