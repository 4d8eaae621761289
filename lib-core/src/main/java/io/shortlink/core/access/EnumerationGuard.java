package io.shortlink.core.access;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows down clients that walk random codes to find links: each client address may get
 * {@code misses} "no such link" answers per {@code window}; past that it cools down — every
 * redirect it asks for is refused for {@code coolDown} — while everyone else is served as usual.
 *
 * <p>The redirect path asks {@link #anyCoolingDown()} first: one volatile read while no client is
 * cooling down, so the guard costs the hot path nothing it can measure (docs/security.md). Only a
 * miss, and a request while some client cools down, touches the maps.
 *
 * <p>Thread-safe. State is this process's: behind a load balancer each instance keeps its own
 * counts (a prober spread over N instances gets N budgets). Memory is bounded: at most
 * {@code maxClients} clients counted; past it the counts of windows already ended are dropped,
 * then, if still full, new clients go uncounted until room frees (counted in
 * {@link #uncounted()}); the same bound holds for clients cooling down. A spray of addresses
 * cannot grow the heap.
 */
public final class EnumerationGuard {
    private static final System.Logger LOG = System.getLogger(EnumerationGuard.class.getName());
    private static final EnumerationGuard OFF = new EnumerationGuard();

    private final boolean on;
    private final int misses;
    private final Duration window;
    private final Duration coolDown;
    private final int maxClients;
    private final InstantSource clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Instant> coolingUntil = new ConcurrentHashMap<>();
    /** Whether {@link #coolingUntil} may hold an entry; written under {@code this}. */
    private volatile boolean anyCooling;
    private final LongAdder coolDowns = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder uncounted = new LongAdder();

    private EnumerationGuard() {
        this.on = false;
        this.misses = Integer.MAX_VALUE;
        this.window = Duration.ofMinutes(1);
        this.coolDown = Duration.ZERO;
        this.maxClients = 0;
        this.clock = InstantSource.system();
    }

    private EnumerationGuard(int misses, Duration window, Duration coolDown, int maxClients, InstantSource clock) {
        if (misses < 1) {
            throw new IllegalArgumentException("enumeration guard: misses must be at least 1 (got " + misses + ")");
        }
        if (window.isNegative() || window.isZero() || coolDown.isNegative() || coolDown.isZero()) {
            throw new IllegalArgumentException("enumeration guard: window and cool-down must be positive (got "
                    + window + ", " + coolDown + ")");
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("enumeration guard: maxClients must be at least 1 (got " + maxClients + ")");
        }
        this.on = true;
        this.misses = misses;
        this.window = window;
        this.coolDown = coolDown;
        this.maxClients = maxClients;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A guard allowing {@code misses} per {@code window} per client, then refusing that client for
     * {@code coolDown}; at most {@code maxClients} clients counted at once.
     */
    public static EnumerationGuard of(int misses, Duration window, Duration coolDown, int maxClients,
                                      InstantSource clock) {
        return new EnumerationGuard(misses, Objects.requireNonNull(window, "window"),
                Objects.requireNonNull(coolDown, "coolDown"), maxClients, clock);
    }

    /** A guard that never refuses. */
    public static EnumerationGuard off() {
        return OFF;
    }

    /** Whether some client may be cooling down: when false, {@link #coolingDown} is {@link Duration#ZERO} for all. */
    public boolean anyCoolingDown() {
        return anyCooling;
    }

    /** How long {@code client} is still refused; {@link Duration#ZERO} when it is served. Counts a refusal. */
    public Duration coolingDown(String client) {
        if (!anyCooling) {
            return Duration.ZERO;
        }
        Instant until = coolingUntil.get(client);
        if (until == null) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        if (!now.isBefore(until)) {
            release(client, until);
            return Duration.ZERO;
        }
        refused.increment();
        return Duration.between(now, until);
    }

    /**
     * Counts a "no such link" answer to {@code client}; the miss past its budget starts its cool-down.
     *
     * @return whether {@code client} now cools down
     */
    public boolean missed(String client) {
        if (!on) {
            return false;
        }
        Instant now = clock.instant();
        if (!windows.containsKey(client) && windows.size() >= maxClients && !makeRoom(now)) {
            uncounted.increment();
            return false;
        }
        Window counted = windows.compute(client, (c, w) -> w == null || w.endedBy(now, window)
                ? new Window(now, 1) : new Window(w.start, w.count + 1));
        if (counted.count <= misses) {
            return false;
        }
        windows.remove(client, counted);
        return coolFrom(client, now);
    }

    private synchronized boolean coolFrom(String client, Instant now) {
        if (coolingUntil.size() >= maxClients) {
            coolingUntil.values().removeIf(until -> !now.isBefore(until));
            if (coolingUntil.size() >= maxClients) {
                uncounted.increment();
                return false;
            }
        }
        coolingUntil.put(client, now.plus(coolDown));
        anyCooling = true;
        coolDowns.increment();
        // One line per cool-down, not per refused request: who probed, for how long.
        LOG.log(System.Logger.Level.INFO, "event=client-cooling-down client={0} misses={1} window={2} until={3}",
                client, misses + 1, window, now.plus(coolDown));
        return true;
    }

    private synchronized void release(String client, Instant until) {
        coolingUntil.remove(client, until);
        anyCooling = !coolingUntil.isEmpty();
    }

    private synchronized boolean makeRoom(Instant now) {
        windows.values().removeIf(w -> w.endedBy(now, window));
        return windows.size() < maxClients;
    }

    /** Cool-downs started so far. */
    public long coolDowns() {
        return coolDowns.sum();
    }

    /** Requests refused because their client was cooling down. */
    public long refused() {
        return refused.sum();
    }

    /** Misses not counted because {@code maxClients} clients were already counted. */
    public long uncounted() {
        return uncounted.sum();
    }

    /** Clients cooling down now (or whose cool-down ended and was not yet noticed). */
    public int coolingClients() {
        return coolingUntil.size();
    }

    private record Window(Instant start, int count) {
        boolean endedBy(Instant now, Duration length) {
            return !now.isBefore(start.plus(length));
        }
    }
}
