package io.shortlink.core.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rate limits a call to the API spends, and whose: the rules, whatever carries the calls.
 *
 * <ul>
 *   <li>{@code client}: every call from one client address (an IP; hosts may group IPv6 by /64),
 *       so rotating keys does not escape it;</li>
 *   <li>{@code key}: every call made with one key;</li>
 *   <li>{@code anonymous-create}: keyless creates from one client address, on top of {@code client}.</li>
 * </ul>
 * Admin keys spend none of them unless told to ({@link Builder#limitAdmins}): they are the operators'
 * own, used by their tools in bulk. A limit left out is not applied.
 *
 * <p>Thread-safe; each call costs what the {@link RateLimiter} costs per take (in process: a map
 * lookup; shared through Redis: its round trips), once per limit that applies.
 */
public final class RequestLimits {
    private static final RequestLimits NONE = new RequestLimits(new Builder(RateLimiter.unlimited()));

    private final RateLimiter limiter;
    private final Optional<RateLimit> perClient;
    private final Optional<RateLimit> perKey;
    private final Optional<RateLimit> anonymousCreate;
    private final boolean limitAdmins;

    private RequestLimits(Builder b) {
        this.limiter = b.limiter;
        this.perClient = Optional.ofNullable(b.perClient);
        this.perKey = Optional.ofNullable(b.perKey);
        this.anonymousCreate = Optional.ofNullable(b.anonymousCreate);
        this.limitAdmins = b.limitAdmins;
    }

    public static Builder builder(RateLimiter limiter) {
        return new Builder(limiter);
    }

    /** No limits at all. */
    public static RequestLimits none() {
        return NONE;
    }

    /**
     * Spends a permit of each limit that applies to {@code caller} calling from {@code client}.
     *
     * @return the verdicts, for the response's headers (empty when no limit applies)
     * @throws RateLimitedException when one is spent; later limits are then not taken
     */
    public List<RateLimiter.Verdict> admit(Caller caller, String client) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(client, "client");
        if (caller.isAdmin() && !limitAdmins) {
            return List.of();
        }
        List<RateLimiter.Verdict> verdicts = new ArrayList<>(2);
        take(verdicts, perClient, "client:" + client);
        if (caller.isAnonymous()) {
            take(verdicts, anonymousCreate, "anonymous-create:" + client);
        } else {
            take(verdicts, perKey, "key:" + caller.keyId());
        }
        return verdicts;
    }

    /**
     * Spends a permit of {@code client}'s own limit for a call that names no valid key (before it is
     * answered 401), so guessing keys is as limited as using one.
     *
     * @throws RateLimitedException when the client's limit is spent
     */
    public List<RateLimiter.Verdict> admitUnknown(String client) {
        Objects.requireNonNull(client, "client");
        List<RateLimiter.Verdict> verdicts = new ArrayList<>(1);
        take(verdicts, perClient, "client:" + client);
        return verdicts;
    }

    /** The limits applied to non-admin keys, in the order {@link #admit} takes them (for RateLimit-Policy headers). */
    public List<RateLimit> policies() {
        List<RateLimit> all = new ArrayList<>(3);
        perClient.ifPresent(all::add);
        perKey.ifPresent(all::add);
        anonymousCreate.ifPresent(all::add);
        return all;
    }

    private void take(List<RateLimiter.Verdict> verdicts, Optional<RateLimit> limit, String bucket) {
        if (limit.isEmpty()) {
            return;
        }
        RateLimiter.Verdict verdict = limiter.take(bucket, limit.get());
        verdicts.add(verdict);
        if (!verdict.allowed()) {
            throw new RateLimitedException(verdicts);
        }
    }

    /** The limits to apply; each optional. */
    public static final class Builder {
        private final RateLimiter limiter;
        private RateLimit perClient;
        private RateLimit perKey;
        private RateLimit anonymousCreate;
        private boolean limitAdmins;

        private Builder(RateLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
        }

        /** Every call from one client address. */
        public Builder perClient(RateLimit limit) {
            this.perClient = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Every call with one key. */
        public Builder perKey(RateLimit limit) {
            this.perKey = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Keyless creates from one client address. */
        public Builder anonymousCreate(RateLimit limit) {
            this.anonymousCreate = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Whether admin keys spend the limits too (default: no). */
        public Builder limitAdmins(boolean value) {
            this.limitAdmins = value;
            return this;
        }

        public RequestLimits build() {
            return new RequestLimits(this);
        }
    }
}
