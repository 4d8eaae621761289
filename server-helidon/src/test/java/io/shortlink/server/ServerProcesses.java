package io.shortlink.server;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link ServerProcess}es one test starts, each stopped after the test:
 *
 * <pre>{@code
 * @RegisterExtension
 * final ServerProcesses processes = new ServerProcesses();
 * ... ServerProcess server = processes.start("acked-1", Main.class, "phase3", settings, port); ...
 * }</pre>
 */
final class ServerProcesses implements AfterEachCallback {
    private final List<ServerProcess> started = new ArrayList<>();

    /** {@link ServerProcess#start}, remembered to be stopped after the test. */
    ServerProcess start(String name, Class<?> main, String stack, Map<String, String> settings, int port) {
        ServerProcess process = ServerProcess.start(name, main, stack, settings, port);
        started.add(process);
        return process;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(ServerProcess::close);
    }
}
