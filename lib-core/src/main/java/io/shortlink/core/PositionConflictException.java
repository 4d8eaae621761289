package io.shortlink.core;

/**
 * A reader tried to move a stream position that is no longer where it read from: another reader
 * (after a rebalance, or a stalled reader that came back) moved it first. Nothing was applied.
 */
public final class PositionConflictException extends RuntimeException {
    public PositionConflictException(String message) {
        super(message);
    }
}
