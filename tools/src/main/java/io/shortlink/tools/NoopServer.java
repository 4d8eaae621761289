package io.shortlink.tools;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

/**
 * The no-op ceiling: the same Helidon listener answering a constant 302 from a Caffeine lookup,
 * touching no database and recording no click. Load figures of the real server are reported as a
 * ratio to this one, measured in the same run (shared/PERF.md).
 *
 * <p>{@code java -cp tools/target/shortlink-tools.jar:server-helidon/target/shortlink-server.jar io.shortlink.tools.NoopServer [port]} (default 8081,
 * or {@code NOOP_PORT}). The API routes answer constants too, so a load profile's mix runs
 * unchanged against it.
 */
public final class NoopServer {
    private static final String TARGET = "https://example.org/";
    private static final byte[] LINK = ("{\"code\":\"noop000\",\"shortUrl\":\"http://localhost/noop000\",\"url\":\"" + TARGET
            + "\",\"createdAt\":\"1970-01-01T00:00:00Z\",\"expiresAt\":null,\"totalClicks\":0}").getBytes();
    private static final byte[] TOTALS = "{\"links\":0,\"clicks\":0}".getBytes();

    private NoopServer() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        int port = args.length > 0 ? Integer.parseInt(args[0])
                : Integer.parseInt(System.getenv().getOrDefault("NOOP_PORT", "8081"));
        Cache<String, String> targets = Caffeine.newBuilder().maximumSize(100_000).build();
        WebServer server = WebServer.builder()
                .host(System.getenv().getOrDefault("NOOP_HOST", "127.0.0.1"))
                .port(port)
                .featuresDiscoverServices(false)
                .routing(r -> r
                        .get("/api/v1/stats", (req, res) -> json(res, Status.OK_200, TOTALS))
                        .post("/api/v1/links", (req, res) -> json(res, Status.CREATED_201, LINK))
                        .get("/api/v1/links/*", (req, res) -> json(res, Status.OK_200, LINK))
                        .get("/{code}", (req, res) -> res.status(Status.FOUND_302)
                                .header(HeaderNames.LOCATION, targets.get(req.path().pathParameters().get("code"), code -> TARGET))
                                .send()))
                .build()
                .start();
        System.out.println("event=ready noop=true url=http://127.0.0.1:" + server.port());
    }

    private static void json(io.helidon.webserver.http.ServerResponse res, Status status, byte[] body) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
    }
}
