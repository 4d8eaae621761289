package io.shortlink.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition that another thread or process makes true: bounded in time and in polls. */
final class Await {
    private static final Duration POLL = Duration.ofMillis(5);

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails the test, naming {@code what}, after {@code within}. */
    static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        long polls = within.toNanos() / POLL.toNanos() + 1;
        for (long i = 0; i < polls; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        if (!condition.getAsBoolean()) {
            fail("not within " + within + ": " + what);
        }
    }

    /** A figure read from outside (a database, another process), at most every {@link #SETTLE_CHECK}. */
    @FunctionalInterface
    interface Reading {
        long read() throws Exception;
    }

    private static final Duration SETTLE_CHECK = Duration.ofMillis(100);

    /**
     * Returns the value of {@code reading} once it has not moved for {@code stillFor} while
     * {@code quiet} held at every check (a backlog at 0, a lag at 0): a total that has stopped
     * moving. Fails the test, naming {@code what} and the last value, after {@code within}.
     */
    static long settled(String what, Duration within, Duration stillFor, Reading reading, BooleanSupplier quiet) {
        long[] last = {Long.MIN_VALUE};
        long[] since = {0};
        long[] checkedAt = {System.nanoTime() - SETTLE_CHECK.toNanos()};
        long still = stillFor.toNanos();
        BooleanSupplier stopped = () -> {
            long now = System.nanoTime();
            if (now - checkedAt[0] < SETTLE_CHECK.toNanos()) {
                return false;
            }
            checkedAt[0] = now;
            long value;
            try {
                value = reading.read();
            } catch (Exception e) {
                last[0] = Long.MIN_VALUE;
                return false;
            }
            if (value != last[0] || !quiet.getAsBoolean()) {
                last[0] = value;
                since[0] = now;
                return false;
            }
            return now - since[0] >= still;
        };
        try {
            until(what + " to settle", within, stopped);
        } catch (AssertionError e) {
            fail("not within " + within + ": " + what + " to settle (still for " + stillFor + " with the quiet condition "
                    + "holding); last reading " + last[0]);
        }
        return last[0];
    }

    /** Seconds since {@code startNanos} ({@link System#nanoTime()}), for printed figures. */
    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
