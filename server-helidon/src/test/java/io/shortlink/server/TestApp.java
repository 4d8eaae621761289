package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServerConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The real service for server tests: the production routing, limits and handlers over a private
 * in-memory H2 database, on the clock the test gives.
 */
final class TestApp {
    static final String BASE_URL = "https://sho.rt";

    private TestApp() {
    }

    static Config config(String databaseUrl) {
        return config(databaseUrl, Map.of());
    }

    static Config config(String databaseUrl, Map<String, String> overrides) {
        return config("embedded", databaseUrl, overrides);
    }

    /**
     * The test settings over a stack profile ({@code application-<stack>.yaml} and the profiles it
     * reads underneath, as {@link Main} layers them) over application.yaml: {@code phase1} for its
     * pool and JDBC timeouts, {@code phase3} for those and the Kafka click path.
     */
    static Config config(String stack, String databaseUrl, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of(
                "server.port", "0",
                "server.host", "localhost",
                "shortlink.base-url", BASE_URL,
                "shortlink.database.url", databaseUrl,
                "shortlink.database.username", TestDatabase.onMariaDb() ? TestDatabase.USER : "sa",
                "shortlink.database.password", TestDatabase.onMariaDb() ? TestDatabase.PASSWORD : "",
                "shortlink.shutdown.drain-delay", "PT0.01S",
                "shortlink.clicks.quarantine-file", "target/quarantine/" + UUID.randomUUID() + ".jsonl",
                "shortlink.api.admin-key-file", "target/admin-keys/" + UUID.randomUUID()));
        values.putAll(overrides);
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(values));
        sources.addAll(Main.profiles(stack));
        return Config.builder()
                .disableSystemPropertiesSource()
                .disableEnvironmentVariablesSource()
                .sources(sources)
                .build();
    }

    /** Opens the app {@code config} describes and configures {@code builder} exactly as {@link Main} does. */
    static ShortlinkApp serve(WebServerConfig.Builder builder, InstantSource clock, Config config) {
        ShortlinkApp app = ShortlinkApp.open(ShortlinkConfig.from(config, "embedded"),
                new ServerMetrics(Metrics.globalRegistry()), clock);
        Main.configure(builder, config.get("server"), app);
        return app;
    }

    /** The token of the admin key {@code app} issued into its new database. */
    static String adminToken(ShortlinkApp app) {
        return app.firstAdminKey().orElseThrow(() -> new IllegalStateException(
                "the app issued no admin key: its database held keys already, or authentication is off")).token();
    }

    /**
     * A client that never follows redirects (tests look at the 302 itself) and sends its API key
     * with every request, as {@code Authorization: Bearer}.
     */
    static final class Client {
        private final HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)   // the server speaks HTTP/1.1: no h2c upgrade
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        private final URI base;
        /** {@code null}: no key is sent. */
        private final String token;
        /** Sent with every request: name, value, name, value... */
        private final List<String> headers;

        /** A client that sends {@code token} ({@code null}: none) with every request. */
        Client(URI base, String token) {
            this(base, token, List.of());
        }

        private Client(URI base, String token, List<String> headers) {
            this.base = base;
            this.token = token;
            this.headers = headers;
        }

        /** The same server with another key ({@code null}: none). */
        Client withToken(String other) {
            return new Client(base, other, headers);
        }

        /** The same, sending {@code name: value} with every request too. */
        Client withHeader(String name, String value) {
            List<String> more = new ArrayList<>(headers);
            more.add(name);
            more.add(value);
            return new Client(base, token, List.copyOf(more));
        }

        HttpResponse<String> get(String path) {
            return send(request(path).GET().build());
        }

        HttpResponse<String> getWithAccept(String path, String accept) {
            return send(request(path).header("Accept", accept).GET().build());
        }

        HttpResponse<String> head(String path) {
            return send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        }

        HttpResponse<String> delete(String path) {
            return send(request(path).DELETE().build());
        }

        HttpResponse<String> postJson(String path, String json) {
            return post(path, "application/json", json);
        }

        HttpResponse<String> post(String path, String contentType, String body) {
            HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            return send(b.build());
        }

        /** Creates a link and returns its code. */
        String create(String url) {
            HttpResponse<String> res = postJson("/api/v1/links", "{\"url\":\"" + url + "\"}");
            if (res.statusCode() != 201) {
                throw new AssertionError("create failed: " + res.statusCode() + " " + res.body());
            }
            return JsonRead.string(res.body(), "code");
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
            for (int i = 0; i < headers.size(); i += 2) {
                builder.header(headers.get(i), headers.get(i + 1));
            }
            return token == null ? builder : builder.header("Authorization", "Bearer " + token);
        }

        private HttpResponse<String> send(HttpRequest request) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError("request failed: " + request, e);
            }
        }
    }

    /** Reads fields of a JSON answer with the server's own mapper. */
    static final class JsonRead {
        private JsonRead() {
        }

        static com.fasterxml.jackson.databind.JsonNode tree(String body) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        static String string(String body, String field) {
            return tree(body).path(field).asText(null);
        }

        static long number(String body, String field) {
            com.fasterxml.jackson.databind.JsonNode node = tree(body).path(field);
            if (!node.isNumber()) {
                throw new AssertionError("no number '" + field + "' in " + body);
            }
            return node.asLong();
        }
    }
}
