package io.shortlink.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Drives the services that {@code scripts/services} started (MariaDB, Redis, Kafka) for fault
 * tests: kill one outright, freeze it (SIGSTOP) and thaw it (SIGCONT), start it again.
 *
 * <pre>{@code
 * LocalServices services = LocalServices.ofRepository();
 * try (LocalServices.Paused paused = services.pause(LocalServices.REDIS)) {
 *     // Redis is frozen: connections stay open, nothing answers
 * }   // resumed here, even when the test failed
 * }</pre>
 *
 * <p>A service's process is the one its pid file names, and only while that process's command
 * line contains the service's marker, as {@code svc_pid_of} in scripts/lib/services.sh checks:
 * a pid file left behind by a dead service never makes us signal whatever process now has its
 * pid. Every wait is bounded. Linux only ({@code /proc}, {@code kill}).
 */
final class LocalServices {
    /**
     * A service as scripts/services knows it: the name {@code up} takes, its pid file under the
     * repository root, and the text its command line carries there (mirrors the script's
     * {@code mariadb_marker}, {@code REDIS_MARKER} and {@code KAFKA_MARKER}).
     */
    record Service(String name, String pidFile, Function<Path, String> marker) {
    }

    static final Service MARIADB_PRIMARY = new Service("mariadb-primary", ".services/mariadb-primary/mariadbd.pid",
            root -> "--defaults-file=" + root.resolve(".services/mariadb-primary/my.cnf"));
    /** Redis rewrites its command line to "redis-server 127.0.0.1:PORT": the port is the marker. */
    static final Service REDIS = new Service("redis", ".services/redis/redis.pid", root -> "127.0.0.1:16379");
    static final Service KAFKA = new Service("kafka", ".services/kafka/kafka.pid",
            root -> root.resolve(".services/kafka/server.properties").toString());

    /** Resumes a paused service when closed; closing again, or after the service died, does nothing. */
    interface Paused extends AutoCloseable {
        @Override
        void close();
    }

    static final Duration UP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);
    private static final int ROOT_SEARCH_DEPTH = 6;

    private final Path root;

    private LocalServices(Path root) {
        this.root = root;
    }

    /**
     * Names the repository root whose services to drive, when they are not the working
     * directory's own: a git worktree of a developer shares the services another checkout
     * started ({@code -Dshortlink.services.root=/path/to/that/checkout}; the integration profile
     * passes it on to the tests when it is set).
     */
    static final String ROOT_PROPERTY = "shortlink.services.root";

    /**
     * The services of the repository named by {@value #ROOT_PROPERTY} when it is set, else of the
     * repository that holds the working directory (the module folder, under Maven): the nearest
     * folder upwards with {@code scripts/services}.
     */
    static LocalServices ofRepository() {
        String configured = System.getProperty(ROOT_PROPERTY, "");
        if (!configured.isBlank()) {
            return at(Path.of(configured));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < ROOT_SEARCH_DEPTH && dir != null; i++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/services"))) {
                return at(dir);
            }
        }
        throw new IllegalStateException("no scripts/services in " + Path.of("").toAbsolutePath()
                + " or its " + ROOT_SEARCH_DEPTH + " nearest parents");
    }

    /**
     * Names the repository root whose Kafka broker the Kafka fault tests kill and restart, when it
     * is not the one of {@value #ROOT_PROPERTY}: a worktree that freezes a shared MariaDB but runs
     * a private broker of its own ({@code -Dshortlink.services.kafka-root=/path/to/worktree}). Empty
     * (the integration profile's default, and CI's case): the same root as the other services.
     */
    static final String KAFKA_ROOT_PROPERTY = "shortlink.services.kafka-root";

    /** The services whose broker the Kafka fault tests drive: {@value #KAFKA_ROOT_PROPERTY}, else {@link #ofRepository()}. */
    static LocalServices ofKafka() {
        String configured = System.getProperty(KAFKA_ROOT_PROPERTY, "");
        return configured.isBlank() ? ofRepository() : at(Path.of(configured));
    }

    /**
     * {@link #ofRepository()}, checked: its MariaDB primary runs (the one the fault tests freeze).
     *
     * @throws IllegalStateException naming {@value #ROOT_PROPERTY} when it does not
     */
    static LocalServices withMariaDb() {
        LocalServices services = ofRepository();
        if (!services.isRunning(MARIADB_PRIMARY)) {
            throw new IllegalStateException("the MariaDB of " + services.root() + " is not running; from a worktree name "
                    + "the checkout that started it: -D" + ROOT_PROPERTY + "=/path/to/it");
        }
        return services;
    }

    /** The services under {@code root}: its .services/ folder and its scripts/services. */
    static LocalServices at(Path root) {
        try {
            // scripts/services writes markers with the physical path (readlink -f, then pwd).
            return new LocalServices(root.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("no repository root at " + root, e);
        }
    }

    Path root() {
        return root;
    }

    /** The service's process, when its pid file names a live process with its marker. */
    Optional<ProcessHandle> process(Service service) {
        Optional<Long> pid = pidInFile(root.resolve(service.pidFile()));
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        String commandLine = commandLine(pid.get());
        if (commandLine == null || !commandLine.contains(service.marker().apply(root))) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
    }

    /** Whether the service's process exists; a paused one does. */
    boolean isRunning(Service service) {
        return process(service).isPresent();
    }

    /** Whether the service's process is stopped by SIGSTOP (state T in /proc). */
    boolean isPaused(Service service) {
        return process(service).map(p -> state(p.pid()) == 'T').orElse(false);
    }

    /**
     * SIGKILL, then returns once the process is gone.
     *
     * @throws IllegalStateException when the service is not running, or survives 5 s
     */
    void kill9(Service service) {
        ProcessHandle process = running(service);
        signal(process, "KILL");
        // Gone, or a zombie (its parent is not us, so it may stay one) with no thread left but
        // its first: then its files, listening sockets included, are closed. Neither an empty
        // command line nor the first thread's Z is enough: the other threads of a JVM are still
        // exiting then, and a restart that comes in between finds the port still taken.
        Await.until(service.name() + " (pid " + process.pid() + ") gone after SIGKILL", SIGNAL_TIMEOUT,
                () -> !process.isAlive() || state(process.pid()) == '?'
                        || state(process.pid()) == 'Z' && threads(process.pid()) <= 1);
    }

    /**
     * SIGSTOP, then returns once the process is stopped. Use it in try-with-resources: closing
     * the result sends SIGCONT, so a failing test never leaves a service frozen.
     *
     * @throws IllegalStateException when the service is not running
     */
    Paused pause(Service service) {
        ProcessHandle process = running(service);
        AtomicBoolean resumed = new AtomicBoolean();
        Runnable resumeOnce = () -> {
            if (resumed.compareAndSet(false, true)
                    && process(service).map(p -> p.pid() == process.pid()).orElse(false)) {
                resume(service);
            }
        };
        // A test JVM that ends while the service is frozen (a failsafe timeout, Ctrl-C) must not
        // leave it frozen for everyone else who shares it; only kill -9 of the JVM still would.
        Thread onExit = new Thread(resumeOnce, "resume-" + service.name());
        Runtime.getRuntime().addShutdownHook(onExit);
        Paused paused = () -> {
            try {
                resumeOnce.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs and finds the service resumed
                }
            }
        };
        try {
            signal(process, "STOP");
            Await.until(service.name() + " (pid " + process.pid() + ") stopped after SIGSTOP", SIGNAL_TIMEOUT,
                    () -> state(process.pid()) == 'T');
        } catch (RuntimeException | AssertionError e) {
            paused.close();
            throw e;
        }
        return paused;
    }

    /**
     * SIGCONT, then returns once the process runs again.
     *
     * @throws IllegalStateException when the service is not running
     */
    void resume(Service service) {
        ProcessHandle process = running(service);
        signal(process, "CONT");
        Await.until(service.name() + " (pid " + process.pid() + ") running after SIGCONT", SIGNAL_TIMEOUT,
                () -> state(process.pid()) != 'T');
    }

    /**
     * Fails, before anything is killed, unless {@code up(KAFKA)} from this JVM would start the
     * broker of this root again on the port the tests reach it at, {@code brokerPort}.
     *
     * <p>{@code scripts/services up kafka} writes the broker's server.properties anew from
     * {@code KAFKA_PORT} and {@code KAFKA_CONTROLLER_PORT} (19092 and 19093 when unset), and
     * {@link #up} runs it with this JVM's environment, which Maven's forked test JVM inherits from
     * the shell that ran {@code mvn}. So a private broker on other ports restarts on them only when
     * they are exported before {@code mvn}:
     * {@code export KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093; mvn verify -Pintegration -Dshortlink.it.kafka=127.0.0.1:29092}.
     * Without this check a restart would bring the broker up on the default ports, where another
     * checkout's broker may listen, and the test would wait for a broker that never comes back.
     */
    void requireKafkaRestartsOn(int brokerPort) {
        Path properties = root.resolve(".services/kafka/server.properties");
        String listeners;
        try {
            listeners = Files.readAllLines(properties, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("listeners="))
                    .findFirst().orElse("");
        } catch (IOException e) {
            throw new IllegalStateException("no Kafka broker configured under " + root + ": " + properties
                    + " is missing; run scripts/services up kafka there", e);
        }
        String broker = System.getenv().getOrDefault("KAFKA_PORT", "19092");
        String controller = System.getenv().getOrDefault("KAFKA_CONTROLLER_PORT", "19093");
        String wanted = "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:";
        if (!listeners.startsWith(wanted) || !broker.equals(Integer.toString(brokerPort))
                || !listeners.equals("listeners=PLAINTEXT://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller)) {
            throw new IllegalStateException("scripts/services up kafka would not restart the broker of " + root
                    + " where the tests reach it (port " + brokerPort + "): its " + properties.getFileName() + " has '"
                    + listeners + "', this JVM's environment gives KAFKA_PORT=" + broker + " KAFKA_CONTROLLER_PORT="
                    + controller + ". Export KAFKA_PORT and KAFKA_CONTROLLER_PORT of that broker before running mvn");
        }
    }

    /** {@link #up(Service, Duration)} with {@link #UP_TIMEOUT}. */
    void up(Service service) {
        up(service, UP_TIMEOUT);
    }

    /**
     * Runs {@code scripts/services up NAME} and returns when it exits 0 (the script returns once
     * the service answers; it leaves a running one as it is).
     *
     * @throws IllegalStateException with the script's output when it exits non-zero, or when it
     *         has not finished within {@code timeout} (then it is killed, with what it started
     *         that is still its descendant)
     */
    void up(Service service, Duration timeout) {
        Path log;
        Process script;
        try {
            log = Files.createTempFile("services-up-" + service.name() + "-", ".log");
            script = new ProcessBuilder(root.resolve("scripts/services").toString(), "up", service.name())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run scripts/services up " + service.name(), e);
        }
        try {
            if (!script.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
                throw new IllegalStateException("scripts/services up " + service.name() + " did not finish within "
                        + timeout + "; killed it. Its output:\n" + read(log));
            }
            if (script.exitValue() != 0) {
                throw new IllegalStateException("scripts/services up " + service.name() + " exited "
                        + script.exitValue() + ". Its output:\n" + read(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            script.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for scripts/services up " + service.name(), e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    private ProcessHandle running(Service service) {
        return process(service).orElseThrow(() -> new IllegalStateException(service.name()
                + " is not running: no live process whose command line has '" + service.marker().apply(root)
                + "' is named by " + root.resolve(service.pidFile())));
    }

    private static void signal(ProcessHandle process, String signal) {
        List<String> command = List.of("kill", "-" + signal, Long.toString(process.pid()));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not return within " + SIGNAL_TIMEOUT);
            }
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + kill.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** The pid a pid file names, as svc_pid_of reads it: its digits, at most 10, and above 1. */
    private static Optional<Long> pidInFile(Path pidFile) {
        String digits;
        try {
            digits = Files.readString(pidFile, StandardCharsets.US_ASCII).replaceAll("[^0-9]", "");
        } catch (IOException e) {
            return Optional.empty();
        }
        if (digits.isEmpty() || digits.length() > 10) {
            return Optional.empty();
        }
        long pid = Long.parseLong(digits);
        return pid > 1 ? Optional.of(pid) : Optional.empty();
    }

    /** The process's arguments joined by spaces, or null when it is gone (a zombie has none). */
    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return null;
        }
    }

    /** Threads the process still has (entries of /proc/PID/task); 0 when it is gone. */
    private static long threads(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The state letter in /proc/PID/stat (R, S, D, T, Z...), or '?' when the process is gone. */
    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
            int afterName = stat.lastIndexOf(')');
            return stat.charAt(afterName + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    private static String read(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
