package io.shortlink.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Nanosecond readings of a host's {@link InstantSource}, for what measures elapsed time (Caffeine's
 * {@link Ticker}, Bucket4j's time meter, back-offs): the JVM's monotonic timer for the system
 * clock, the clock's own epoch nanoseconds for any other (a test's fake clock).
 */
final class ClockNanos {

    private ClockNanos() {
    }

    /**
     * Elapsed-time readings of {@code clock}. {@link System#nanoTime()} stands in for the system
     * clock: monotonic, so a wall-clock step (NTP, a VM resume) neither ends every lifetime at
     * once nor stretches them, and it builds no {@link Instant} per reading (~6 % of a
     * redirect's CPU in a profile of the phase-2 server when L1 read the system clock).
     */
    static Ticker elapsed(InstantSource clock) {
        return clock.equals(InstantSource.system()) ? Ticker.systemTicker() : () -> epochNanos(clock.instant());
    }

    /**
     * Epoch nanoseconds, which fit a long until the year 2262; readers compare them by difference,
     * so only their distance matters.
     */
    static long epochNanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }
}
