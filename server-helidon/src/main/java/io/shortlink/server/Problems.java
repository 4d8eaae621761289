package io.shortlink.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.InputRejectedException;
import io.shortlink.core.LinkGoneException;
import io.shortlink.core.LinkNotFoundException;
import io.shortlink.core.LinkStore;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.access.NotAuthenticatedException;
import io.shortlink.core.access.NotPermittedException;
import io.shortlink.core.access.RateLimitedException;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Writes every error as {@code application/problem+json} (RFC 9457) with a stable {@code type},
 * and maps exceptions that escape a handler to problems.
 */
final class Problems {
    static final String MEDIA_TYPE = "application/problem+json";
    private static final System.Logger LOG = System.getLogger(Problems.class.getName());
    private static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");
    private static final String REALM = "Bearer realm=\"shortlink\"";

    private Problems() {
    }

    static void send(ServerRequest req, ServerResponse res, ProblemType problem, String detail) {
        send(res, problem.status(), problem.type(), problem.title(), detail, req.prologue().uriPath().rawPath());
    }

    static void send(ServerRequest req, ServerResponse res, InputRejectedException e) {
        send(res, Status.BAD_REQUEST_400, ProblemType.TYPE_PREFIX + e.rule().slug(), e.rule().title(),
                e.detail(), req.prologue().uriPath().rawPath());
    }

    static void send(ServerResponse res, Status status, String type, String title, String detail, String instance) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(Json.NOSNIFF);
        res.send(body(status, type, title, detail, instance));
    }

    static byte[] body(Status status, String type, String title, String detail, String instance) {
        ObjectNode json = Json.object()
                .put("type", type)
                .put("title", title)
                .put("status", status.code());
        if (detail != null) {
            json.put("detail", detail);
        }
        if (instance != null) {
            json.put("instance", instance);
        }
        return Json.bytes(json);
    }

    /** {@code Retry-After}: {@code wait} in whole seconds, rounded up, at least 1 (0 would invite a retry at once). */
    static void retryAfter(ServerResponse res, Duration wait) {
        res.header(RETRY_AFTER, Long.toString(Math.max(1, Access.seconds(wait))));
    }

    /** Maps what a handler may throw; installed on the routing once. */
    static void register(HttpRouting.Builder routing) {
        routing.error(InputRejectedException.class, (req, res, e) -> send(req, res, e))
                .error(LinkNotFoundException.class, (req, res, e) -> send(req, res, ProblemType.NOT_FOUND, null))
                .error(LinkGoneException.class, (req, res, e) -> send(req, res, ProblemType.GONE, "link was deleted"))
                .error(LinkStore.CodeTakenException.class, (req, res, e) -> send(req, res, ProblemType.CODE_TAKEN,
                        "alias '" + e.code() + "' is taken"))
                // RFC 6750's challenges: none sent, a bad one, or a good one without the scope.
                .error(NotAuthenticatedException.class, (req, res, e) -> {
                    res.header(HeaderNames.WWW_AUTHENTICATE, e.reason() == NotAuthenticatedException.Reason.MISSING
                            ? REALM : REALM + ", error=\"invalid_token\"");
                    send(req, res, ProblemType.UNAUTHENTICATED, e.getMessage());
                })
                .error(NotPermittedException.class, (req, res, e) -> {
                    res.header(HeaderNames.WWW_AUTHENTICATE,
                            REALM + ", error=\"insufficient_scope\", scope=\"" + e.missing().wireName() + "\"");
                    send(req, res, ProblemType.SCOPE_MISSING, e.getMessage());
                })
                .error(RateLimitedException.class, (req, res, e) -> {
                    Access.tell(res, e.verdicts());
                    retryAfter(res, e.refused().retryAfter());
                    send(req, res, ProblemType.RATE_LIMITED, e.getMessage());
                })
                .error(StoreUnavailableException.class, (req, res, e) -> {
                    LOG.log(Level.WARNING, "event=store-unavailable path={0} cause={1}", req.prologue().uriPath().rawPath(), e.getMessage());
                    retryAfter(res, Duration.ofSeconds(1));
                    send(req, res, ProblemType.STORE_UNAVAILABLE, null);
                })
                .error(HttpException.class, (req, res, e) -> {
                    ProblemType type = ProblemType.forStatus(e.status().code());
                    // Never reflect internals of a 5xx, as the direct handler does not either.
                    String detail = switch (type) {
                        case NOT_FOUND -> "no resource at this path";
                        case INTERNAL_ERROR -> null;
                        default -> e.getMessage();
                    };
                    send(res, e.status(), type.type(), type.title(), detail, req.prologue().uriPath().rawPath());
                })
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(Level.ERROR, "event=unhandled path=" + req.prologue().uriPath().rawPath(), e);
                    send(req, res, ProblemType.INTERNAL_ERROR, null);
                });
    }
}
