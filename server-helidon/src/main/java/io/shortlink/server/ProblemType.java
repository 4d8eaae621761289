package io.shortlink.server;

import io.helidon.http.Status;
import io.shortlink.core.InputRule;

/**
 * The problems the server answers with, besides the {@link InputRule}s of the libraries. Each
 * slug becomes the stable problem {@code type} {@code urn:shortlink:problem:<slug>}.
 */
enum ProblemType {
    NOT_FOUND("not-found", Status.NOT_FOUND_404, "No link has this code"),
    GONE("gone", Status.GONE_410, "The link was deleted or has expired"),
    LINK_BLOCKED("link-blocked", Status.GONE_410, "The link's target is on the blocklist"),
    CODE_TAKEN("code-taken", Status.CONFLICT_409, "The alias is taken, or was used by a link since deleted or expired"),
    MALFORMED_JSON("malformed-json", Status.BAD_REQUEST_400, "The body is not a well-formed JSON object"),
    INVALID_FIELD("invalid-field", Status.BAD_REQUEST_400, "A field of the body has the wrong type or is unknown"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", Status.UNSUPPORTED_MEDIA_TYPE_415, "The body must be application/json"),
    PAYLOAD_TOO_LARGE("payload-too-large", Status.REQUEST_ENTITY_TOO_LARGE_413, "The body is larger than 8 KiB"),
    BAD_REQUEST("bad-request", Status.BAD_REQUEST_400, "The request is not valid HTTP"),
    HEADERS_TOO_LARGE("headers-too-large", Status.create(431, "Request Header Fields Too Large"), "The request line or headers are too long"),
    UNAUTHENTICATED("unauthenticated", Status.UNAUTHORIZED_401, "A valid API key is required"),
    SCOPE_MISSING("scope-missing", Status.FORBIDDEN_403, "The API key lacks the scope this call needs"),
    RATE_LIMITED("rate-limited", Status.TOO_MANY_REQUESTS_429, "A rate limit is spent; retry after the time given"),
    COOLING_DOWN("cooling-down", Status.TOO_MANY_REQUESTS_429,
            "Too many requests for unknown codes from this client; retry after the cool-down"),
    KEY_NOT_FOUND("key-not-found", Status.NOT_FOUND_404, "No API key has this id"),
    METHOD_NOT_ALLOWED("method-not-allowed", Status.METHOD_NOT_ALLOWED_405, "The method is not allowed on this resource"),
    STORE_UNAVAILABLE("store-unavailable", Status.SERVICE_UNAVAILABLE_503, "The link store is unavailable; retry shortly"),
    INTERNAL_ERROR("internal-error", Status.INTERNAL_SERVER_ERROR_500, "An unexpected error occurred");

    static final String TYPE_PREFIX = "urn:shortlink:problem:";

    private final String slug;
    private final Status status;
    private final String title;

    ProblemType(String slug, Status status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /**
     * The problem for an HTTP error Helidon raised itself (before routing, or an unrouted path),
     * known only by its status. One mapping for the direct handler and the routing's error handler.
     */
    static ProblemType forStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 431 -> HEADERS_TOO_LARGE;
            default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
        };
    }

    String type() {
        return TYPE_PREFIX + slug;
    }

    Status status() {
        return status;
    }

    String title() {
        return title;
    }
}
