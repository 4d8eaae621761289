package io.shortlink.server;

import io.helidon.config.Config;
import io.shortlink.cache.CacheConfig;
import io.shortlink.cache.RedisTierConfig;
import io.shortlink.core.ClickBatcherConfig;
import io.shortlink.core.CodeGenerator;
import io.shortlink.core.UrlPolicyConfig;
import io.shortlink.core.access.RateLimit;
import io.shortlink.events.ClickConsumerConfig;
import io.shortlink.events.ClickPublisherConfig;
import io.shortlink.events.SpillConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server reads from configuration, read here and nowhere else (libraries get
 * records, never the environment). Bad values fail start-up with a message naming the key.
 *
 * @param stack       the profile that was selected ({@code embedded}, later {@code phase1}...)
 * @param baseUrl     the public origin of short URLs, {@code shortlink.base-url}; never taken
 *                    from a request's Host header
 * @param codeLength  length of generated codes
 * @param urlPolicy   what targets are accepted
 * @param database    the JDBC store
 * @param cacheEnabled whether redirects read through the cache ({@code shortlink.cache.enabled};
 *                    off only to measure the uncached starting point)
 * @param cache       the link cache
 * @param l2          the cache's Redis tier ({@code shortlink.cache.l2}), when enabled
 * @param clickMode   {@code shortlink.clicks.mode}: batched (default) or synchronous (measurements only)
 * @param clicks      the click batcher
 * @param quarantineFile where click batches the database refuses are set aside, {@code shortlink.clicks.quarantine-file}
 * @param eventRetention how long raw click events are kept, {@code shortlink.clicks.events-retention}
 * @param delivery    {@code shortlink.clicks.delivery}: when a redirect's click counts as safe
 * @param ackTimeout  in {@code acked} delivery, the longest a redirect waits for its click to be durable
 * @param kafka       the Kafka path ({@code shortlink.kafka}), used when {@code clickMode} is KAFKA
 * @param drainDelay  on SIGTERM, how long readiness reports DOWN before the listener stops, so a
 *                    load balancer stops sending new requests first
 * @param api         who may call the API ({@code shortlink.api})
 * @param blocklist   the hosts refused at creation ({@code shortlink.blocklist})
 * @param limits      the API's rate limits and who the client is ({@code shortlink.limits})
 * @param guard       the redirect's enumeration guard ({@code shortlink.enumeration-guard})
 * @param accessLog   one log line per request (off by default: it costs ~10 % at 10k req/s)
 */
record ShortlinkConfig(String stack, URI baseUrl, int codeLength, UrlPolicyConfig urlPolicy,
                       DatabaseConfig database, boolean cacheEnabled, CacheConfig cache, Optional<RedisTierConfig> l2,
                       ClickMode clickMode, ClickBatcherConfig clicks, Path quarantineFile, Duration eventRetention,
                       Delivery delivery, Duration ackTimeout, KafkaSettings kafka,
                       ApiSettings api, BlocklistSettings blocklist, LimitSettings limits, GuardSettings guard,
                       Duration drainDelay, boolean accessLog) {

    /**
     * @param file       the hosts refused at creation ({@code shortlink.blocklist.file}); empty for none
     * @param checkEvery how often the file is looked at for edits ({@code shortlink.blocklist.check-every})
     */
    record BlocklistSettings(Optional<Path> file, Duration checkEvery, boolean atRedirect) {
        static BlocklistSettings from(Config b) {
            String file = string(b.get("file"));
            return new BlocklistSettings(file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)),
                    duration(b.get("check-every")), bool(b.get("at-redirect")));
        }
    }

    /**
     * @param authentication  whether API calls need a key ({@code shortlink.api.authentication})
     * @param adminKeyFile    where the first admin key's token is written ({@code shortlink.api.admin-key-file})
     * @param anonymousCreate whether a create without a key is taken ({@code shortlink.api.anonymous-create})
     * @param metricsNeedKey  whether {@code /observe/metrics} needs a key with {@code metrics:read}
     *                        ({@code shortlink.api.metrics-need-key})
     */
    record ApiSettings(boolean authentication, Path adminKeyFile, boolean anonymousCreate, boolean metricsNeedKey) {
        static ApiSettings from(Config api) {
            return new ApiSettings(bool(api.get("authentication")), Path.of(string(api.get("admin-key-file"))),
                    bool(api.get("anonymous-create")), bool(api.get("metrics-need-key")));
        }
    }

    /**
     * @param enabled         whether API calls spend limits at all ({@code shortlink.limits.enabled})
     * @param perClient       every API call from one client address
     * @param perKey          every API call with one key
     * @param anonymousCreate keyless creates from one client address
     * @param limitAdmins     whether admin keys spend them too
     * @param trustedProxies  addresses or CIDR blocks of proxies whose {@code X-Forwarded-For} is believed
     */
    record LimitSettings(boolean enabled, RateLimit perClient, RateLimit perKey, RateLimit anonymousCreate,
                         boolean limitAdmins, List<String> trustedProxies) {
        static LimitSettings from(Config l) {
            return new LimitSettings(bool(l.get("enabled")), limit("client", l.get("per-client")),
                    limit("key", l.get("per-key")), limit("anonymous-create", l.get("anonymous-create")),
                    bool(l.get("limit-admins")), commaList(l.get("trusted-proxies")));
        }

        private static RateLimit limit(String name, Config node) {
            long permits = integer(node.get("permits"));
            Duration window = duration(node.get("window"));
            try {
                return new RateLimit(name, permits, window);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(node.key() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param enabled    whether the redirect counts each client's 404s ({@code shortlink.enumeration-guard.enabled})
     * @param misses     404s a client may get per window
     * @param window     the window they are counted over
     * @param coolDown   how long a client past its budget is refused (429)
     * @param maxClients at most this many clients counted at once (memory bound)
     */
    record GuardSettings(boolean enabled, int misses, Duration window, Duration coolDown, int maxClients) {
        static GuardSettings from(Config g) {
            return new GuardSettings(bool(g.get("enabled")), integer(g.get("misses")), duration(g.get("window")),
                    duration(g.get("cool-down")), integer(g.get("max-clients")));
        }
    }

    /** How a redirect's click reaches the database. */
    enum ClickMode {
        /** Appended to the in-process batcher; the redirect never waits on the database. */
        BATCHED,
        /** Written by the redirect itself, one transaction each: the plan's starting point, for before/after measurements only. */
        SYNCHRONOUS,
        /** Published to Kafka (spilled locally when it is away); a consumer applies them to the database. */
        KAFKA
    }

    /** When a redirect's click counts as safe. */
    enum Delivery {
        /** The 302 goes out at once; a crash loses what the sink had not yet made durable. */
        BUFFERED,
        /** The 302 waits (a few ms, group-committed) until the click is durable; a crash loses no answered click. */
        ACKED
    }

    /**
     * @param publisher         how redirects publish clicks
     * @param consumer          how the consumer reads them
     * @param consumerInProcess whether this server also runs the consumer ({@code shortlink.kafka.consumer})
     */
    record KafkaSettings(ClickPublisherConfig publisher, ClickConsumerConfig consumer, boolean consumerInProcess) {
        static KafkaSettings from(Config k) {
            String bootstrap = string(k.get("bootstrap-servers"));
            ClickPublisherConfig pd = ClickPublisherConfig.defaults(bootstrap);
            ClickPublisherConfig publisher = pd
                    .withTopic(k.get("topic").asString().orElse(pd.topic()))
                    .withSpillDir(k.get("spill-dir").asString().map(Path::of).orElse(pd.spillDir()))
                    .withSpill(new SpillConfig(k.get("spill-max-bytes").asLong().orElse(pd.spill().maxBytes()),
                            pd.spill().segmentBytes()))
                    .withDeliveryTimeout(duration(k.get("delivery-timeout"), pd.deliveryTimeout()))
                    .withAckSpillAfter(duration(k.get("ack-spill-after"), pd.ackSpillAfter()));
            ClickConsumerConfig cd = ClickConsumerConfig.defaults(bootstrap);
            ClickConsumerConfig consumer = cd
                    .withTopic(publisher.topic())
                    .withGroupId(k.get("group-id").asString().orElse(cd.groupId()))
                    .withMaxPollRecords(k.get("max-poll-records").asInt().orElse(cd.maxPollRecords()))
                    .withQuarantineFile(k.get("quarantine-file").asString().map(Path::of).orElse(cd.quarantineFile()));
            return new KafkaSettings(publisher, consumer, bool(k.get("consumer")));
        }
    }

    /**
     * @param url               JDBC URL
     * @param username          user
     * @param password          password
     * @param poolSize          connections in the pool (fixed size: min idle = max)
     * @param connectionTimeout longest wait for a pooled connection before the request fails fast
     */
    record DatabaseConfig(String url, String username, String password, int poolSize, Duration connectionTimeout) {
        /** The options of every H2 file database here: MySQL mode, so the SQL is the same as on MariaDB. */
        static final String H2_OPTIONS = ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE";

        /** The JDBC URL of the H2 database in {@code file} (a path, without H2's {@code .mv.db}). */
        static String h2Url(String file) {
            return "jdbc:h2:file:" + file + H2_OPTIONS;
        }

        /** Reads a {@code shortlink.database} node. */
        static DatabaseConfig from(Config db) {
            return new DatabaseConfig(
                    db.get("url").asString().orElseGet(() -> h2Url(string(db.get("h2-file")))),
                    string(db.get("username")),
                    string(db.get("password")),
                    integer(db.get("pool-size")),
                    duration(db.get("connection-timeout")));
        }

        /** Whether this is MySQL or MariaDB (else H2): the dialects differ in plans, not in our SQL. */
        boolean isMySqlFamily() {
            return url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:");
        }

        DatabaseConfig {
            if (url == null || !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("shortlink.database.url must be a JDBC URL, was " + url);
            }
            if (poolSize < 1 || poolSize > 1_000) {
                throw new IllegalArgumentException("shortlink.database.pool-size must be 1..1000, was " + poolSize);
            }
            if (connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("shortlink.database.connection-timeout must be at least 250ms (HikariCP's floor), was " + connectionTimeout);
            }
        }
    }

    /**
     * Reads the {@code shortlink} settings. The server's own settings are required (application.yaml
     * holds their defaults); a library's setting that is absent takes the library's default.
     */
    static ShortlinkConfig from(Config root, String stack) {
        Config s = root.get("shortlink");
        URI baseUrl = baseUrl(s.get("base-url").asString().asOptional(), integer(root.get("server.port")));

        UrlPolicyConfig defaults = UrlPolicyConfig.defaults();
        UrlPolicyConfig urlPolicy = new UrlPolicyConfig(
                s.get("url-policy.max-length").asInt().orElse(defaults.maxLength()),
                s.get("url-policy.allow-localhost").asBoolean().orElse(defaults.allowLocalhost()),
                Set.of(baseUrl.getHost().toLowerCase(Locale.ROOT)));

        CacheConfig cacheDefaults = CacheConfig.defaults();
        CacheConfig cache = new CacheConfig(
                s.get("cache.l1-max-entries").asLong().orElse(cacheDefaults.l1MaxEntries()),
                duration(s.get("cache.l1-ttl"), cacheDefaults.l1Ttl()),
                duration(s.get("cache.negative-ttl"), cacheDefaults.negativeTtl()));

        Optional<RedisTierConfig> l2 = bool(s.get("cache.l2.enabled")) ? Optional.of(redis(s.get("cache.l2")))
                : Optional.empty();

        ClickBatcherConfig batchDefaults = ClickBatcherConfig.defaults();
        ClickBatcherConfig clicks = new ClickBatcherConfig(
                duration(s.get("clicks.linger"), batchDefaults.linger()),
                s.get("clicks.batch-keys").asInt().orElse(batchDefaults.batchKeys()),
                s.get("clicks.max-keys").asInt().orElse(batchDefaults.maxKeys()),
                duration(s.get("clicks.close-timeout"), batchDefaults.closeTimeout()),
                duration(s.get("clicks.retry-backoff"), batchDefaults.retryBackoff()),
                duration(s.get("clicks.max-backoff"), batchDefaults.maxBackoff()));

        int codeLength = s.get("code-length").asInt().orElse(CodeGenerator.DEFAULT_LENGTH);
        if (codeLength < 6 || codeLength > 16) {
            throw new IllegalArgumentException("shortlink.code-length must be 6..16, was " + codeLength);
        }
        String mode = string(s.get("clicks.mode"));
        ClickMode clickMode = switch (mode) {
            case "batched" -> ClickMode.BATCHED;
            case "synchronous" -> ClickMode.SYNCHRONOUS;
            case "kafka" -> ClickMode.KAFKA;
            default -> throw new IllegalArgumentException("shortlink.clicks.mode must be batched, kafka or synchronous, was "
                    + mode);
        };
        String deliveryName = string(s.get("clicks.delivery"));
        Delivery delivery = switch (deliveryName) {
            case "buffered" -> Delivery.BUFFERED;
            case "acked" -> Delivery.ACKED;
            default -> throw new IllegalArgumentException("shortlink.clicks.delivery must be buffered or acked, was "
                    + deliveryName);
        };
        Duration eventRetention = duration(s.get("clicks.events-retention"));
        if (eventRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("shortlink.clicks.events-retention must be at least PT1H (a replayed "
                    + "click must still find its original), was " + eventRetention);
        }
        return new ShortlinkConfig(stack, baseUrl, codeLength, urlPolicy, DatabaseConfig.from(s.get("database")),
                bool(s.get("cache.enabled")), cache, l2, clickMode, clicks,
                Path.of(string(s.get("clicks.quarantine-file"))), eventRetention, delivery,
                duration(s.get("clicks.ack-timeout")), KafkaSettings.from(s.get("kafka")),
                ApiSettings.from(s.get("api")), BlocklistSettings.from(s.get("blocklist")),
                LimitSettings.from(s.get("limits")), GuardSettings.from(s.get("enumeration-guard")),
                duration(s.get("shutdown.drain-delay")), bool(s.get("access-log")));
    }

    /** Reads {@code shortlink.cache.l2}: where Redis is (the server's), the rest the library's defaults. */
    private static RedisTierConfig redis(Config l2) {
        List<String> addresses = commaList(l2.get("addresses"));
        String mode = string(l2.get("mode"));
        RedisTierConfig d = switch (mode) {
            case "single" -> {
                if (addresses.size() != 1) {
                    throw new IllegalArgumentException("shortlink.cache.l2.addresses must name one server in mode single, was "
                            + addresses);
                }
                yield RedisTierConfig.defaults().withSingleServer(addresses.getFirst());
            }
            case "cluster" -> RedisTierConfig.defaults().withCluster(addresses);
            default -> throw new IllegalArgumentException("shortlink.cache.l2.mode must be single or cluster, was " + mode);
        };
        RedisTierConfig.Breaker bd = d.breaker();
        Config b = l2.get("breaker");
        return new RedisTierConfig(d.mode(), d.addresses(),
                l2.get("key-prefix").asString().orElse(d.keyPrefix()),
                duration(l2.get("ttl"), d.l2Ttl()),
                duration(l2.get("negative-ttl"), d.negativeTtl()),
                duration(l2.get("tombstone-ttl"), d.tombstoneTtl()),
                duration(l2.get("command-timeout"), d.commandTimeout()),
                l2.get("retry-attempts").asInt().orElse(d.retryAttempts()),
                duration(l2.get("connect-timeout"), d.connectTimeout()),
                new RedisTierConfig.Breaker(
                        b.get("failure-rate-percent").asDouble().map(Double::floatValue).orElse(bd.failureRatePercent()),
                        b.get("window").asInt().orElse(bd.window()),
                        duration(b.get("open-for"), bd.openFor()),
                        b.get("half-open-calls").asInt().orElse(bd.halfOpenCalls())),
                l2.get("max-pending-invalidations").asInt().orElse(d.maxPendingInvalidations()));
    }

    private static URI baseUrl(Optional<String> configured, int port) {
        String value = configured.filter(v -> !v.isBlank()).orElse("http://localhost:" + port);
        URI uri;
        try {
            uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("shortlink.base-url is not a URL: " + value, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("shortlink.base-url must be an absolute http(s) URL with a host, was " + value);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("shortlink.base-url must be an origin (no path or query), was " + value);
        }
        return uri;
    }

    /** A setting the server requires: application.yaml holds its default, so absence is a broken file. */
    static String string(Config node) {
        return node.asString().orElseThrow(() -> new IllegalStateException(
                node.key() + " is not set: application.yaml holds the server's defaults (is it on the classpath?)"));
    }

    /** A comma-separated setting's entries, stripped; blank entries (and an empty value) give none. */
    static List<String> commaList(Config node) {
        return Arrays.stream(string(node).split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
    }

    static int integer(Config node) {
        String value = string(node);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(node.key() + " must be an integer, was " + value, e);
        }
    }

    static boolean bool(Config node) {
        String value = string(node);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(node.key() + " must be true or false, was " + value);
        };
    }

    static Duration duration(Config node) {
        return parseDuration(node, string(node));
    }

    private static Duration duration(Config node, Duration libraryDefault) {
        return node.asString().map(v -> parseDuration(node, v)).orElse(libraryDefault);
    }

    private static Duration parseDuration(Config node, String value) {
        try {
            return Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(node.key() + " must be an ISO-8601 duration such as PT0.1S, was " + value, e);
        }
    }

    String shortUrl(String code) {
        return baseUrl + "/" + code;
    }
}
