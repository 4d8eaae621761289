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
 * <p>{@link Main} and {@link ConsumerMain} install it with {@link Install#unlessChosen()}, which
 * sets the {@code java.util.logging.manager} property: initializing this class itself would
 * initialize {@link LogManager} first, which reads that property.
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

    /**
     * Makes this the JDK's log manager, unless the user chose another. Call it before the first
     * logger exists (the JDK reads the property once), e.g. from a main class's static
     * initializer. A nested class, so that calling it does not initialize {@link LogManager}.
     */
    static final class Install {
        private Install() {
        }

        static void unlessChosen() {
            if (System.getProperty("java.util.logging.manager") == null) {
                System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
            }
        }
    }
}
