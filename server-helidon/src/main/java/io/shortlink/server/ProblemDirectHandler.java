package io.shortlink.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Errors raised before routing (a bad request line, headers or body over the limits) as
 * problem+json. Helidon answers these in plain text by default; clients should not need a second
 * parser for the same kind of answer.
 */
final class ProblemDirectHandler implements DirectHandler {
    private static final int MAX_DETAIL = 200;

    static DirectHandlers forAllEvents() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        ProblemDirectHandler handler = new ProblemDirectHandler();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        ProblemType type = ProblemType.forStatus(status.code());
        // The message can echo the client's bytes: cap it, and never reflect internals of a 500.
        String detail = status.code() >= 500 ? null : truncate(message);
        String path = request.path();
        byte[] body = Problems.body(status, type.type(), type.title(), detail,
                path == null || path.isEmpty() ? null : truncate(path));
        headers.set(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(body)
                .build();
    }

    private static String truncate(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "...";
    }
}
