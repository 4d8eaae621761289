package io.shortlink.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A shortlink process started from the packaged jar ({@code target/shortlink-server.jar}, its
 * {@code libs/} beside it, as {@code mvn package} and so {@code mvn verify} leave them), for the
 * tests that kill one: the server ({@link Main}) or the consumer alone ({@link ConsumerMain}),
 * on a stack, with settings given as configuration keys and passed, the way an operator would,
 * as environment variables in Helidon's mapping ({@link #envName}).
 *
 * <pre>{@code
 * try (ServerProcess consumer = ServerProcess.start("consumer-a", ConsumerMain.class, "phase3", settings, port)) {
 *     consumer.awaitReady(Duration.ofSeconds(30));
 *     consumer.kill9();
 * }
 * }</pre>
 *
 * <p>Its output goes to {@code target/it-logs/<name>.log}, whose tail a failure to start shows.
 */
final class ServerProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "shortlink-server.jar");
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Path ADMIN_KEYS = Path.of("target", "it-keys");
    private static final String ADMIN_KEY_FILE = "shortlink.api.admin-key-file";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Map<String, String> settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ServerProcess(String name, Process process, int port, Path log, Map<String, String> settings) {
        this.name = name;
        this.settings = Map.copyOf(settings);
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code main} with {@code --stack stack} and {@code settings} (configuration keys, such as
     * {@code shortlink.kafka.topic}) in its environment; {@code port} is where its HTTP listener is
     * (the server's {@code server.port}, the consumer's {@code shortlink.kafka.consumer-port}), and
     * the caller puts it in the settings.
     */
    static ServerProcess start(String name, Class<?> main, String stack, Map<String, String> settings, int port) {
        if (!Files.isRegularFile(JAR)) {
            fail(JAR.toAbsolutePath() + " is missing: package first (mvn verify does, before the ITs)");
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-cp", JAR.toString(), main.getName(), "--stack", stack));
        Path log = LOGS.resolve(name + ".log");
        try {
            Files.createDirectories(LOGS);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            settings.forEach((key, value) -> builder.environment().put(envName(key), value));
            Files.writeString(log, "---- " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return new ServerProcess(name, builder.start(), port, log, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Helidon's environment name of a configuration key: '-' to '_dash_', '.' to '_', upper case. */
    static String envName(String key) {
        return key.replace("-", "_dash_").replace('.', '_').toUpperCase(Locale.ROOT).replace("_DASH_", "_dash_");
    }

    /**
     * The configuration keys of the phase-1 JDBC settings pointed at MariaDB test database
     * {@code name}, where the first server on it writes its admin key ({@link #adminToken()}), and
     * the Redis key prefix of its links.
     */
    static Map<String, String> database(String name) {
        return Map.of(
                "shortlink.database.url", TestDatabase.phase1Url(TestDatabase.mariaDbAddress(), name, Map.of()),
                "shortlink.database.username", TestDatabase.USER,
                "shortlink.database.password", TestDatabase.PASSWORD,
                ADMIN_KEY_FILE, ADMIN_KEYS.resolve(name).toString(),
                // The Redis tier of the stacks above phase 1: this database's links under their own keys.
                "shortlink.cache.l2.addresses", "redis://" + TestRedis.address(),
                "shortlink.cache.l2.key-prefix", name + ":");
    }

    /** The admin key the first server on this process's database issued (settings of {@link #database}). */
    String adminToken() {
        Path file = Path.of(settings.get(ADMIN_KEY_FILE));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": no admin key at " + file + " (settings of ServerProcess.database?)", e);
        }
    }

    /** A port nobody listens on now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** Returns once {@code /observe/health/ready} answers 200; fails, with the log's tail, if the process dies first. */
    void awaitReady(Duration within) {
        Await.until(name + " ready (log " + log.toAbsolutePath() + ")", within, () -> {
            if (!process.isAlive()) {
                fail(name + " exited " + process.exitValue() + " before it was ready:\n" + tail());
            }
            return status("/observe/health/ready") == 200;
        });
    }

    /** The process's meters (Prometheus text). */
    String metrics() {
        return get("/observe/metrics").body();
    }

    /** The process's health with details (JSON). */
    String health() {
        return get("/observe/health").body();
    }

    /** SIGKILL, then returns once the process is gone. */
    void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (its shutdown hook drains and flushes), bounded; SIGKILL after {@link #STOP_TIMEOUT}. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void waitFor(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + " (pid " + process.pid() + ") still alive " + within + " after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri().resolve(path)).header("Accept", "text/plain")
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError(name + ": GET " + path + " failed", e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
