package io.shortlink.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.access.ApiKeys;
import io.shortlink.core.access.Caller;
import io.shortlink.core.access.NotAuthenticatedException;
import io.shortlink.core.access.NotPermittedException;
import io.shortlink.core.access.RateLimit;
import io.shortlink.core.access.RateLimitedException;
import io.shortlink.core.access.RateLimiter;
import io.shortlink.core.access.RequestLimits;
import io.shortlink.core.access.Scope;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Who calls the API and whether they may: the key a request carries
 * ({@code Authorization: Bearer <key>}, or {@code X-Api-Key: <key>}), checked by {@link ApiKeys};
 * the scope a route needs; and the rate limits the call spends ({@link RequestLimits}), told to
 * the client in the {@code RateLimit-Policy} and {@code RateLimit} headers of
 * draft-ietf-httpapi-ratelimit-headers-10. With {@code shortlink.api.authentication: false} no
 * key is asked for and every caller is an admin.
 */
final class Access {
    static final HeaderName X_API_KEY = HeaderNames.create("X-Api-Key");
    static final HeaderName RATELIMIT_POLICY = HeaderNames.create("RateLimit-Policy");
    static final HeaderName RATELIMIT = HeaderNames.create("RateLimit");
    private static final String BEARER = "Bearer ";

    /** {@code null} when authentication is off. */
    private final ApiKeys keys;
    private final RequestLimits limits;
    private final ClientAddresses clients;
    private final boolean anonymousCreate;
    private final Consumer<RateLimit> onRefused;

    private Access(ApiKeys keys, RequestLimits limits, ClientAddresses clients, boolean anonymousCreate,
                   Consumer<RateLimit> onRefused) {
        this.keys = keys;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.anonymousCreate = anonymousCreate;
        this.onRefused = Objects.requireNonNull(onRefused, "onRefused");
    }

    /**
     * @param anonymousCreate whether a create without any key is taken (as {@link Caller#anonymous()})
     * @param onRefused       told the limit of each call refused (metrics)
     */
    static Access checking(ApiKeys keys, RequestLimits limits, ClientAddresses clients, boolean anonymousCreate,
                           Consumer<RateLimit> onRefused) {
        return new Access(Objects.requireNonNull(keys, "keys"), limits, clients, anonymousCreate, onRefused);
    }

    static Access unchecked() {
        return new Access(null, RequestLimits.none(), ClientAddresses.trusting(List.of()), false, limit -> { });
    }

    /**
     * The caller of {@code req}, its limits spent and told in {@code res}'s headers; what it may do
     * is the front door's to check ({@link io.shortlink.core.Shortener#as}).
     *
     * @throws NotAuthenticatedException without a valid key (401)
     * @throws RateLimitedException      past a limit (429)
     */
    Caller caller(ServerRequest req, ServerResponse res) {
        return admit(req, res, false);
    }

    /**
     * The caller of a create: as {@link #caller}, but with anonymous creates on, a request that sends
     * no key at all is {@link Caller#anonymous()} (a key sent must still be valid).
     */
    Caller creator(ServerRequest req, ServerResponse res) {
        return admit(req, res, anonymousCreate);
    }

    /**
     * The caller of {@code req}, who must hold {@code scope}.
     *
     * @throws NotAuthenticatedException without a valid key (401)
     * @throws NotPermittedException     if the key lacks the scope (403)
     * @throws RateLimitedException      past a limit (429)
     */
    Caller require(ServerRequest req, ServerResponse res, Scope scope) {
        Caller caller = caller(req, res);
        caller.require(scope);
        return caller;
    }

    private Caller admit(ServerRequest req, ServerResponse res, boolean anonymousAllowed) {
        if (keys == null) {
            return Caller.unchecked();
        }
        try {
            Caller caller;
            try {
                String token = token(req.headers());
                caller = token == null && anonymousAllowed ? Caller.anonymous() : keys.authenticate(token);
            } catch (NotAuthenticatedException e) {
                // Guessing keys spends the client's limit like using one does: past it, 429 not 401.
                tell(res, limits.admitUnknown(clients.of(req)));
                throw e;
            }
            tell(res, limits.admit(caller, clients.of(req)));
            return caller;
        } catch (RateLimitedException e) {
            onRefused.accept(e.refused().limit());
            throw e;
        }
    }

    /** Writes the {@code RateLimit-Policy} and {@code RateLimit} headers of {@code verdicts}, if any. */
    static void tell(ServerResponse res, List<RateLimiter.Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        res.header(RATELIMIT_POLICY, verdicts.stream()
                .map(v -> "\"" + v.limit().name() + "\";q=" + v.limit().permits() + ";w=" + v.limit().window().toSeconds())
                .collect(Collectors.joining(", ")));
        res.header(RATELIMIT, verdicts.stream()
                .map(v -> "\"" + v.limit().name() + "\";r=" + v.remaining() + ";t=" + seconds(v.reset()))
                .collect(Collectors.joining(", ")));
    }

    /** Whole seconds, rounded up (a client that waits that long finds what was promised). */
    static long seconds(Duration d) {
        long s = d.toSeconds();
        return d.equals(Duration.ofSeconds(s)) ? s : s + 1;
    }

    /** The key sent, or {@code null} when none was; an Authorization of another scheme is malformed. */
    static String token(Headers headers) {
        Optional<String> authorization = headers.first(HeaderNames.AUTHORIZATION);
        if (authorization.isPresent()) {
            String value = authorization.get().strip();
            if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw new NotAuthenticatedException(NotAuthenticatedException.Reason.MALFORMED);
            }
            return value.substring(BEARER.length()).strip();
        }
        return headers.first(X_API_KEY).map(String::strip).orElse(null);
    }
}
