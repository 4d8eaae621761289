package io.shortlink.server;

import java.time.Duration;
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
}
