package io.shortlink.cache;

import static io.shortlink.core.ConfigRules.requirePositive;

import java.time.Duration;

/**
 * How a {@link TieredLinkCache} remembers links. Validated on construction: a bad value fails at
 * start-up with a message naming the rule.
 *
 * @param l1MaxEntries most links (found or known absent) held in process; beyond it the least
 *                     valuable entries are evicted
 * @param l1Ttl        how long a found link is remembered after it was loaded; reads do not extend it
 * @param negativeTtl  how long a code the store did not know is remembered as absent; not longer
 *                     than {@code l1Ttl}
 */
public record CacheConfig(long l1MaxEntries, Duration l1Ttl, Duration negativeTtl) {

    public CacheConfig {
        if (l1MaxEntries < 1) {
            throw new IllegalArgumentException("l1MaxEntries must be at least 1, was " + l1MaxEntries);
        }
        requirePositive("l1Ttl", l1Ttl);
        requirePositive("negativeTtl", negativeTtl);
        // Absence is the state that changes (a create on another instance ends it), presence only
        // ends by a delete; remembering absence longer than presence inverts that.
        if (negativeTtl.compareTo(l1Ttl) > 0) {
            throw new IllegalArgumentException("negativeTtl (" + negativeTtl + ") must not be longer than l1Ttl ("
                    + l1Ttl + ")");
        }
    }

    /**
     * 100,000 entries, 10 min, 5 s.
     *
     * <ul>
     *   <li>100,000 entries: a link with a ~100-character URL costs ~400 bytes here (record,
     *       strings, cache node), so ~40 MB; URLs at the 2,048-character policy maximum would make
     *       it ~250 MB, the bound to plan heap for. Redirect traffic is skewed, so the hot set of
     *       a much larger link table fits.</li>
     *   <li>10 min: this instance invalidates on its own create and delete at once; another
     *       instance keeps serving a deleted link until its copy ages out, so without an L2 the
     *       TTL is the staleness bound across instances (with one, see {@link #twoTierDefaults()}).</li>
     *   <li>5 s: enough to absorb a burst of lookups of one unknown code (a mistyped link posted
     *       somewhere, a scanner); short, so that a code created on another instance redirects
     *       here within 5 s. A flood of distinct random codes does not push hot links out: the
     *       cache's frequency-based admission turns away one-off keys.</li>
     * </ul>
     */
    public static CacheConfig defaults() {
        return new CacheConfig(100_000, Duration.ofMinutes(10), Duration.ofSeconds(5));
    }

    /**
     * The defaults with L1 for 30 s instead of 10 min, for an L1 in front of a {@link RedisLinkTier}.
     *
     * <p>With Redis up, invalidations reach every L1 at once and the TTL hardly matters; with
     * Redis down they cannot travel, and the TTL is how long another instance may still serve a
     * link deleted here. 30 s keeps that short while a hot link costs each instance one Redis
     * read (~0.2 ms) every 30 s.
     */
    public static CacheConfig twoTierDefaults() {
        return defaults().withL1Ttl(Duration.ofSeconds(30));
    }

    public CacheConfig withL1MaxEntries(long value) {
        return new CacheConfig(value, l1Ttl, negativeTtl);
    }

    public CacheConfig withL1Ttl(Duration value) {
        return new CacheConfig(l1MaxEntries, value, negativeTtl);
    }

    public CacheConfig withNegativeTtl(Duration value) {
        return new CacheConfig(l1MaxEntries, l1Ttl, value);
    }
}
