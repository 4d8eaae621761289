package io.shortlink.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A redis-server of a test's own, on a port of its own, without persistence: started, killed
 * (SIGKILL), frozen (SIGSTOP) and thawed, restarted on the same port, and stopped by
 * {@link #close()}, which also thaws it first. Only ever signals the process it started.
 */
final class RedisProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;
    private boolean frozen;

    private RedisProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts redis-server on {@code port}, its files (log, cluster state) in {@code dir}, and waits for a PONG. */
    static RedisProcess start(int port, Path dir, String... extraArgs) throws IOException {
        RedisProcess redis = new RedisProcess(port, dir, List.of(extraArgs));
        redis.launch();
        return redis;
    }

    /** A port nothing listens on now (the OS's choice), for a redis-server to take. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Whether something on 127.0.0.1:{@code port} answers PING with PONG within {@code timeout}. */
    static boolean answersPing(int port, Duration timeout) {
        return answersPing("127.0.0.1", port, timeout);
    }

    /** Whether something on {@code host}:{@code port} answers PING with PONG within {@code timeout}. */
    static boolean answersPing(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            int millis = Math.toIntExact(timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] answer = socket.getInputStream().readNBytes(7);
            return "+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("redis-server on " + port + " did not die");
        }
        frozen = false;
    }

    /** SIGSTOP: the process keeps its data and its sockets, and answers nothing until thawed. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
        frozen = false;
    }

    /** Starts it again on the same port with the same arguments, after {@link #kill()}. */
    void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server on " + port + " is still running");
        }
        launch();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            if (frozen) {
                thaw();
            }
        } finally {
            kill();
        }
    }

    private void launch() throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing(port, Duration.ofMillis(200))) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not start on " + port + "; see " + dir.resolve("redis.log"));
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
