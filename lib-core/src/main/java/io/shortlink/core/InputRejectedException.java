package io.shortlink.core;

import java.util.Objects;

/**
 * Input that broke one named {@link InputRule}. Thrown at the boundary (URL policy, alias,
 * query parameters) and turned into a 4xx problem by the server. Carries no stack trace: it is
 * an expected outcome, not a fault.
 */
public final class InputRejectedException extends RuntimeException {
    private final InputRule rule;

    public InputRejectedException(InputRule rule, String detail) {
        super(detail, null, false, false);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    public InputRule rule() {
        return rule;
    }

    /** What exactly was wrong with this input, for the problem's {@code detail}. */
    public String detail() {
        return getMessage();
    }
}
