package io.shortlink.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LocalServices against dummy processes of its own in a fake repository (a @TempDir with
 * .services/ and scripts/services), never against the real services.
 */
final class LocalServicesTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path root;
    private Path marker;
    private LocalServices.Service dummy;
    private LocalServices services;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void fakeRepository() throws IOException {
        Files.createDirectories(root.resolve(".services/dummy"));
        Files.createDirectories(root.resolve("scripts"));
        services = LocalServices.at(root);
        marker = services.root().resolve(".services/dummy/dummy.conf");
        dummy = new LocalServices.Service("dummy", ".services/dummy/dummy.pid", r -> r.resolve(".services/dummy/dummy.conf").toString());
    }

    @AfterEach
    void stopDummies() {
        for (Process process : started) {
            process.destroyForcibly();
        }
    }

    @Test
    void isRunning_forTheProcessThePidFileNames_whenItsCommandLineHasTheMarker() throws IOException {
        Process process = startDummy(true);

        assertTrue(services.isRunning(dummy));
        assertEquals(process.pid(), services.process(dummy).orElseThrow().pid());
    }

    @Test
    void isNotRunning_withoutAPidFile() {
        assertFalse(services.isRunning(dummy));
        assertThrows(IllegalStateException.class, () -> services.kill9(dummy));
    }

    @Test
    void aPidFileNamingAnotherProgram_isNotTheService_andThatProgramIsLeftAlone() throws IOException {
        Process stranger = startDummy(false);   // as if the service died and its pid was reused

        assertFalse(services.isRunning(dummy));
        assertThrows(IllegalStateException.class, () -> services.kill9(dummy));
        assertThrows(IllegalStateException.class, () -> services.pause(dummy));
        assertTrue(stranger.isAlive());
    }

    @Test
    void kill9_endsTheProcess() throws IOException {
        Process process = startDummy(true);

        services.kill9(dummy);

        assertFalse(services.isRunning(dummy));
        Await.until("the dummy reaped", WAIT, () -> !process.isAlive());
    }

    @Test
    void pause_stopsTheProcess_andClosingItResumesIt() throws IOException {
        startDummy(true);

        try (LocalServices.Paused paused = services.pause(dummy)) {
            assertTrue(services.isPaused(dummy));
            assertTrue(services.isRunning(dummy), "a paused process still exists");
        }

        assertFalse(services.isPaused(dummy));
    }

    @Test
    void pause_resumes_whenTheTestInsideFails() throws IOException {
        startDummy(true);

        assertThrows(AssertionError.class, () -> {
            try (LocalServices.Paused paused = services.pause(dummy)) {
                throw new AssertionError("a failing test");
            }
        });

        assertFalse(services.isPaused(dummy));
    }

    @Test
    void resume_continuesAPausedProcess_andThenClosingThePauseDoesNoHarm() throws IOException {
        LocalServices.Paused paused = pausedDummy();

        services.resume(dummy);

        assertFalse(services.isPaused(dummy));
        paused.close();
        assertTrue(services.isRunning(dummy));
    }

    @Test
    void closingThePause_ofAKilledService_doesNothing() throws IOException {
        LocalServices.Paused paused = pausedDummy();
        services.kill9(dummy);

        paused.close();

        assertFalse(services.isRunning(dummy));
    }

    @Test
    void up_runsTheServicesScript_andReturnsWhenItExits0() throws IOException {
        fakeServicesScript("echo \"$@\" > \"" + root.resolve("called") + "\"");

        services.up(dummy, WAIT);

        assertEquals("up dummy", Files.readString(root.resolve("called")).strip());
    }

    @Test
    void up_failsWithTheScriptsOutput_whenItExitsNonZero() throws IOException {
        fakeServicesScript("echo 'services: ERROR: dummy: failed' >&2; exit 1");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> services.up(dummy, WAIT));

        assertTrue(failure.getMessage().contains("exited 1"), failure.getMessage());
        assertTrue(failure.getMessage().contains("services: ERROR: dummy: failed"), failure.getMessage());
    }

    @Test
    void up_givesUpAfterItsTimeout_andKillsTheScript() throws IOException {
        Path pid = root.resolve("script.pid");
        fakeServicesScript("echo $$ > \"" + pid + "\"; exec sleep 60");

        assertThrows(IllegalStateException.class, () -> services.up(dummy, Duration.ofMillis(500)));

        long scriptPid = Long.parseLong(Files.readString(pid).strip());
        Await.until("the script killed", WAIT,
                () -> ProcessHandle.of(scriptPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void ofRepository_findsTheRootAboveTheModuleFolder() {
        assertTrue(Files.isRegularFile(LocalServices.ofRepository().root().resolve("scripts/services")));
    }

    /**
     * A {@code sleep 60} that ends by itself if this test dies, with its pid in the pid file; with
     * the marker as its argv[0] (bash's exec -a) or as a plain {@code sleep}.
     */
    private Process startDummy(boolean withMarker) throws IOException {
        ProcessBuilder builder = withMarker
                ? new ProcessBuilder("bash", "-c", "exec -a \"$0\" sleep 60", marker.toString())
                : new ProcessBuilder("sleep", "60");
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        Files.writeString(root.resolve(dummy.pidFile()), process.pid() + "\n");
        // bash replaces itself with sleep a moment after start: signal sleep, not bash.
        Await.until("the dummy is sleep", WAIT,
                () -> process.info().command().map(command -> command.endsWith("/sleep")).orElse(false));
        return process;
    }

    /** Starts the dummy service and pauses it. */
    private LocalServices.Paused pausedDummy() throws IOException {
        startDummy(true);
        return services.pause(dummy);
    }

    private void fakeServicesScript(String body) throws IOException {
        Path script = root.resolve("scripts/services");
        Files.writeString(script, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }
}
