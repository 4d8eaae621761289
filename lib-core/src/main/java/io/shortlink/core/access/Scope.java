package io.shortlink.core.access;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an API key may do. The wire names ({@code links:create}, ...) are part of the public
 * contract: keys are created with them and problems name them; never rename one.
 */
public enum Scope {
    /** Create links. */
    LINKS_CREATE("links:create"),
    /** Read the metadata of the key's own links, and list them. */
    LINKS_READ("links:read"),
    /** Delete the key's own links. */
    LINKS_DELETE("links:delete"),
    /** Read the click statistics of the key's own links. */
    STATS_READ("stats:read"),
    /** Read the service's metrics ({@code /observe/metrics}, where the host protects them). */
    METRICS_READ("metrics:read"),
    /** Everything, on every key's links, and managing keys. */
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name clients send and read, e.g. {@code links:create}. */
    public String wireName() {
        return wireName;
    }

    /** The scope of a wire name, or empty for a name that is none. */
    public static Optional<Scope> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
