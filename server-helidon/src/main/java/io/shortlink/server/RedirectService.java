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
import io.shortlink.core.Click;
import io.shortlink.core.ClickSink;
import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.ShortCode;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@code GET /{code}} and {@code HEAD /{code}}: the hot path. One cache lookup, one append to the
 * click sink (never a database write), a 302.
 */
final class RedirectService implements HttpService {
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "private, max-age=0");
    private static final Header NO_INDEX = HeaderValues.create(HeaderNames.create("X-Robots-Tag"), "noindex");

    private final LinkResolver links;
    private final ClickSink clicks;
    private final InstantSource clock;
    private final boolean acked;
    private final Duration ackTimeout;

    RedirectService(LinkResolver links, ClickSink clicks, InstantSource clock, ShortlinkConfig.Delivery delivery,
                    Duration ackTimeout) {
        this.links = links;
        this.clicks = clicks;
        this.clock = clock;
        this.acked = delivery == ShortlinkConfig.Delivery.ACKED;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.route(Method.GET, "/{code}", this::redirect)
                .route(Method.HEAD, "/{code}", this::redirect);
    }

    private void redirect(ServerRequest req, ServerResponse res) {
        Optional<ShortCode> code = ShortCode.parse(req.path().pathParameters().get("code"));
        if (code.isEmpty()) {
            Problems.send(req, res, ProblemType.NOT_FOUND, "this path cannot be a short code");
            return;
        }
        Optional<Link> link = links.resolve(code.get());
        if (link.isEmpty()) {
            Problems.send(req, res, ProblemType.NOT_FOUND, null);
            return;
        }
        Instant now = clock.instant();
        if (link.get().stateAt(now) != Link.State.ACTIVE) {
            Problems.send(req, res, ProblemType.GONE, "link is " + link.get().stateAt(now).name().toLowerCase());
            return;
        }
        // HEAD is for link checkers and previews: it answers the same but is not a click.
        if (req.prologue().method() == Method.GET) {
            count(Click.of(code.get(), now));
        }
        res.status(Status.FOUND_302)
                .header(HeaderNames.LOCATION, link.get().url())
                .header(NO_CACHE)
                .header(NO_INDEX)
                .send();
    }

    /**
     * Buffered: hand the click over and answer. Acked: wait (this virtual thread only) until the
     * click is durable, at most ackTimeout; past it the redirect is answered anyway, the click
     * stays with the sink, and the wait is counted — a slow sink costs latency, never the redirect.
     */
    private void count(Click click) {
        if (!acked) {
            clicks.append(click);
            return;
        }
        try {
            clicks.appendAcknowledged(click, ackTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
