package io.shortlink.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The one JSON mapper. Thread-safe once configured. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** Bodies are JSON and only JSON: a browser must not guess another type from their content. */
    static final Header NOSNIFF = HeaderValues.create(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree we built cannot be written", e);
        }
    }

    /**
     * The JSON object a request carries, with none but the {@code known} fields; otherwise the
     * problem is sent (415 not JSON, 400 malformed or an unknown field) and the answer is empty.
     * The fields' types are the caller's to check.
     *
     * @param example a body of the right shape, for the problem's detail
     */
    static Optional<ObjectNode> requestObject(ServerRequest req, ServerResponse res, Set<String> known, String example) {
        boolean json = req.headers().value(HeaderNames.CONTENT_TYPE)
                .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
                .filter("application/json"::equals)
                .isPresent();
        if (!json) {
            Problems.send(req, res, ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type was " + req.headers().value(HeaderNames.CONTENT_TYPE).orElse("absent"));
            return Optional.empty();
        }
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        Optional<ObjectNode> object = parseObject(body);
        if (object.isEmpty()) {
            Problems.send(req, res, ProblemType.MALFORMED_JSON, "expected an object such as " + example);
            return Optional.empty();
        }
        for (Iterator<String> names = object.get().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                Problems.send(req, res, ProblemType.INVALID_FIELD, "unknown field '" + name + "'; known: "
                        + String.join(", ", known.stream().sorted().toList()));
                return Optional.empty();
            }
        }
        return object;
    }

    /** Sends {@code body} as a JSON answer that no cache keeps and no browser reads as anything else. */
    static void send(ServerResponse res, JsonNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(NOSNIFF);
        res.send(bytes(body));
    }

    /** The body as a JSON object, or empty if it is not one (malformed, or another JSON type). */
    static Optional<ObjectNode> parseObject(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
