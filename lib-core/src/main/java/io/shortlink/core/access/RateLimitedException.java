package io.shortlink.core.access;

import java.util.List;

/** A call refused because a rate limit is spent (an HTTP 429); the verdicts say which and for how long. */
public final class RateLimitedException extends RuntimeException {
    private final transient List<RateLimiter.Verdict> verdicts;

    /** @param verdicts the verdicts of the call, the refusing one among them */
    public RateLimitedException(List<RateLimiter.Verdict> verdicts) {
        // No stack trace: a refusal is an answer, not a fault.
        super("rate limit '" + refusing(verdicts).limit().name() + "' spent: "
                + refusing(verdicts).limit().permits() + " per " + refusing(verdicts).limit().window(), null, false, false);
        this.verdicts = List.copyOf(verdicts);
    }

    /** Every verdict of the refused call, in the order they were taken. */
    public List<RateLimiter.Verdict> verdicts() {
        return verdicts;
    }

    /** The verdict that refused. */
    public RateLimiter.Verdict refused() {
        return refusing(verdicts);
    }

    private static RateLimiter.Verdict refusing(List<RateLimiter.Verdict> verdicts) {
        return verdicts.stream().filter(v -> !v.allowed()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no verdict refused"));
    }
}
