package io.shortlink.core;

/**
 * A ledger refused a batch for a reason that a retry cannot change (a constraint, a value the
 * store cannot hold, a statement the store refuses): nothing of the batch was applied. The
 * sender sets it aside (quarantine) instead of retrying it at the head of its queue.
 * Contrast {@link StoreUnavailableException}: the store could not answer, so retry.
 */
public final class ClickBatchRejectedException extends RuntimeException {
    public ClickBatchRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
