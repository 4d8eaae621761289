package io.shortlink.core;

/**
 * A store (database, cache tier, broker) could not answer within its bounds. Callers degrade:
 * the server answers 503 for what it cannot serve from a cache, and the click path retries.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
