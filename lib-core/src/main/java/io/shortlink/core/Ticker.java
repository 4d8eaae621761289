package io.shortlink.core;

/**
 * A monotonic source of nanoseconds, for intervals only (linger, backoff, ages): unlike a wall
 * clock it never jumps when the system time is set. Tests pass a fake one and move it; nothing
 * in the libraries sleeps to let time pass in a test.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary origin; only differences between two readings mean anything. */
    long read();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
