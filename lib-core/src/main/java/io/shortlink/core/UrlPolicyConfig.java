package io.shortlink.core;

import java.util.Set;

/**
 * What {@link UrlPolicy} accepts.
 *
 * @param maxLength      the longest URL accepted, in characters (after IDN conversion)
 * @param allowLocalhost whether {@code localhost} and {@code *.localhost} targets are accepted
 *                       (off in production; a development setup may want it). Loopback IP
 *                       literals stay refused either way.
 * @param ownHosts       host names of this service (from its configured base URL), refused as
 *                       targets so no short link can redirect to another short link here;
 *                       compared case-insensitively, after IDN conversion
 */
public record UrlPolicyConfig(int maxLength, boolean allowLocalhost, Set<String> ownHosts) {
    public static final int DEFAULT_MAX_LENGTH = 2_048;

    public UrlPolicyConfig {
        if (maxLength < 16 || maxLength > 65_536) {
            throw new IllegalArgumentException("maxLength must be 16..65536, was " + maxLength);
        }
        ownHosts = Set.copyOf(ownHosts);
    }

    /** 2,048 characters, no localhost, no own host. */
    public static UrlPolicyConfig defaults() {
        return new UrlPolicyConfig(DEFAULT_MAX_LENGTH, false, Set.of());
    }

    public UrlPolicyConfig withOwnHosts(Set<String> hosts) {
        return new UrlPolicyConfig(maxLength, allowLocalhost, hosts);
    }

    public UrlPolicyConfig withAllowLocalhost(boolean allow) {
        return new UrlPolicyConfig(maxLength, allow, ownHosts);
    }
}
