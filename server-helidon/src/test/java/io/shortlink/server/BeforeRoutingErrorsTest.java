package io.shortlink.server;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests Helidon refuses before routing still get problem+json, not Helidon's plain text. */
@ServedApp(clockAt = "2026-03-01T10:00:00Z")
final class BeforeRoutingErrorsTest extends ServedAppTest {
    private final int port;

    BeforeRoutingErrorsTest(WebServer server) {
        this.port = server.port();
    }

    @Test
    void oversizedHeaders_getAProblem() throws IOException {
        String answer = raw("GET /abc HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("urn:shortlink:problem:"), answer);
    }

    @Test
    void malformedRequestLine_getsAProblem() throws IOException {
        String answer = raw("GARBAGE\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("urn:shortlink:problem:bad-request"), answer);
    }

    @Test
    void overlongRequestLine_getsAProblem() throws IOException {
        String answer = raw("GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
    }

    @Test
    void declaredBodyOver8KiB_isRefusedWith413_beforeItIsRead() throws IOException {
        String answer = raw("POST /api/v1/links HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\nConnection: close\r\n\r\n{");

        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("urn:shortlink:problem:payload-too-large"), answer);
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    answer.write(buf, 0, n);
                    if (answer.toString(StandardCharsets.ISO_8859_1).contains("}")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // the server may close after answering: what we read is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
