package io.shortlink.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.Redirect;
import io.shortlink.core.ShortCode;
import io.shortlink.core.Shortener;
import io.shortlink.core.access.EnumerationGuard;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code GET /{code}} and {@code HEAD /{code}}: the hot path, adapted to HTTP. The front door
 * finds the link (through the cache) and counts the click of a GET; this answers 302, 404 or 410
 * — or 429 to a client the {@link EnumerationGuard} is cooling down for answering too many 404s.
 */
final class RedirectService implements HttpService {
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "private, max-age=0");
    private static final Header NO_INDEX = HeaderValues.create(HeaderNames.create("X-Robots-Tag"), "noindex");

    private final Shortener shortener;
    private final EnumerationGuard guard;
    private final ClientAddresses clients;

    RedirectService(Shortener shortener, EnumerationGuard guard, ClientAddresses clients) {
        this.shortener = shortener;
        this.guard = guard;
        this.clients = clients;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.route(Method.GET, "/{code}", this::redirect)
                .route(Method.HEAD, "/{code}", this::redirect);
    }

    private void redirect(ServerRequest req, ServerResponse res) {
        // One volatile read while no client cools down: the client's address is only worked out
        // when some client does, or on a miss.
        if (guard.anyCoolingDown()) {
            Duration left = guard.coolingDown(clients.of(req));
            if (left.isPositive()) {
                Problems.retryAfter(res, left);
                Problems.send(req, res, ProblemType.COOLING_DOWN, null);
                return;
            }
        }
        String code = req.path().pathParameters().get("code");
        // HEAD is for link checkers and previews: it answers the same but is not a click.
        Redirect redirect = req.prologue().method() == Method.GET ? shortener.follow(code) : shortener.peek(code);
        switch (redirect) {
            case Redirect.To to -> res.status(Status.FOUND_302)
                    .header(HeaderNames.LOCATION, to.link().url())
                    .header(NO_CACHE)
                    .header(NO_INDEX)
                    .send();
            case Redirect.Gone gone -> Problems.send(req, res, ProblemType.GONE,
                    "link is " + gone.state().name().toLowerCase(Locale.ROOT));
            case Redirect.Blocked blocked -> Problems.send(req, res, ProblemType.LINK_BLOCKED, blocked.reason());
            case Redirect.Unknown unknown -> {
                guard.missed(clients.of(req));
                Problems.send(req, res, ProblemType.NOT_FOUND,
                        ShortCode.parse(code).isPresent() ? null : "this path cannot be a short code");
            }
        }
    }
}
