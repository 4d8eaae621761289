package io.shortlink.server;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stacks the server can run as: the one list that {@link Main}, {@link ConsumerMain},
 * {@code scripts/run} (through {@code --list-stacks}) and the profile files
 * {@code application-<name>.yaml} share. Each stack reads its own profile over the profiles of
 * the stacks it builds on, over {@code application.yaml}.
 */
enum Stack {
    /** H2 in a file under ./data, Caffeine, clicks batched in-process: no external services. */
    EMBEDDED("embedded", List.of(), List.of()),
    /** MariaDB through HikariCP, Caffeine, clicks batched in-process. */
    PHASE1("phase1", List.of(), List.of("mariadb")),
    /** The plan's starting point on MariaDB (no cache, a write per click): for measurements only. */
    PHASE1_BEFORE("phase1-before", List.of(), List.of("mariadb")),
    /** Phase 1 with the cache's shared tier in Redis (a Redis Cluster by configuration). */
    PHASE2("phase2", List.of("phase1"), List.of("mariadb", "redis")),
    /** Phase 2 with clicks through Kafka, applied exactly once by a consumer. */
    PHASE3("phase3", List.of("phase2", "phase1"), List.of("mariadb", "redis", "kafka"));

    /** The stack {@code scripts/run --with-services} runs: the fullest one built so far. */
    static final Stack FULLEST = PHASE3;

    private final String id;
    private final List<String> underneath;
    private final List<String> services;

    Stack(String id, List<String> underneath, List<String> services) {
        this.id = id;
        this.underneath = underneath;
        this.services = services;
    }

    /** The name used on the command line and in {@code application-<id>.yaml}. */
    String id() {
        return id;
    }

    /** The profiles this stack reads underneath its own, nearest first. */
    List<String> underneath() {
        return underneath;
    }

    /** What {@code scripts/services up} must start for this stack. */
    List<String> services() {
        return services;
    }

    static Optional<Stack> find(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    static Stack named(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("unknown stack '" + id + "'; known: " + ids("|")));
    }

    static String ids(String separator) {
        return Arrays.stream(values()).map(Stack::id).collect(Collectors.joining(separator));
    }

    /** One line per stack for scripts: {@code <id> [service...]}, the fullest stack marked {@code *}. */
    static String listing() {
        return Arrays.stream(values())
                .map(s -> String.join(" ", s.id + (s == FULLEST ? "*" : ""), String.join(" ", s.services)).strip())
                .collect(Collectors.joining("\n"));
    }
}
