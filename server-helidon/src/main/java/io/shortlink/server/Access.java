package io.shortlink.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import io.shortlink.core.access.ApiKeys;
import io.shortlink.core.access.Caller;
import io.shortlink.core.access.NotAuthenticatedException;
import io.shortlink.core.access.NotPermittedException;
import io.shortlink.core.access.Scope;

import java.util.Optional;

/**
 * Who calls the API and whether they may: the key a request carries
 * ({@code Authorization: Bearer <key>}, or {@code X-Api-Key: <key>}), checked by {@link ApiKeys},
 * and the scope a route needs. With {@code shortlink.api.authentication: false} no key is asked
 * for and every caller is an admin.
 */
final class Access {
    static final HeaderName X_API_KEY = HeaderNames.create("X-Api-Key");
    private static final String BEARER = "Bearer ";

    /** {@code null} when authentication is off. */
    private final ApiKeys keys;

    private Access(ApiKeys keys) {
        this.keys = keys;
    }

    static Access checking(ApiKeys keys) {
        return new Access(keys);
    }

    static Access unchecked() {
        return new Access(null);
    }

    /**
     * The caller of {@code req}; what it may do is the front door's to check
     * ({@link io.shortlink.core.Shortener#as}).
     *
     * @throws NotAuthenticatedException without a valid key (401)
     */
    Caller caller(ServerRequest req) {
        return keys == null ? Caller.unchecked() : keys.authenticate(token(req.headers()));
    }

    /**
     * The caller of {@code req}, who must hold {@code scope}.
     *
     * @throws NotAuthenticatedException without a valid key (401)
     * @throws NotPermittedException     if the key lacks the scope (403)
     */
    Caller require(ServerRequest req, Scope scope) {
        Caller caller = caller(req);
        caller.require(scope);
        return caller;
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
