package io.shortlink.server;

import java.net.http.HttpResponse;

import static io.shortlink.server.TestApp.JsonRead.number;
import static io.shortlink.server.TestApp.JsonRead.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the server tests assert of an answer, written once. */
final class ServerAssertions {
    private ServerAssertions() {
    }

    /** {@code res} is a problem+json (RFC 9457) of {@code status} with the stable type {@code urn:shortlink:problem:<type>}. */
    static void assertProblem(HttpResponse<String> res, int status, String type) {
        assertEquals(status, res.statusCode(), res.body());
        assertEquals("application/problem+json", res.headers().firstValue("Content-Type").orElse(null), res.body());
        assertEquals("urn:shortlink:problem:" + type, string(res.body(), "type"), res.body());
        assertEquals(status, number(res.body(), "status"));
        assertTrue(string(res.body(), "title") != null && !string(res.body(), "title").isBlank());
    }

    /** {@code res} is a 302 to {@code location}. */
    static void assertRedirect(HttpResponse<String> res, String location) {
        assertEquals(302, res.statusCode());
        assertEquals(location, res.headers().firstValue("Location").orElseThrow());
    }
}
