package io.shortlink.server;

import java.util.logging.LogManager;

/**
 * A {@link LogManager} that keeps its handlers while the JVM shuts down.
 *
 * <p>The JDK's manager resets (closes every handler) from a shutdown hook of its own, which runs
 * concurrently with ours; the lines our graceful shutdown logs — drained, clicks flushed, clicks
 * left undelivered — would then vanish exactly when an operator needs them. Console handlers
 * flush on every record, so skipping that final reset loses nothing.
 *
 * <p>{@link Main} installs it through the {@code java.util.logging.manager} property by name:
 * touching this class would initialize {@link LogManager} first, which reads that property.
 */
public final class ShutdownSafeLogManager extends LogManager {

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    /** The JDK refuses new shutdown hooks once shutdown has begun: the one portable way to ask. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
