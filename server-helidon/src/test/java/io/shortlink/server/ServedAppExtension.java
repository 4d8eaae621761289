package io.shortlink.server;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.spi.ServerJunitExtension;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves the app of a {@link ServedApp} class inside Helidon's {@code @ServerTest}: opens it and
 * configures the server builder as {@link Main} does before the server starts, hands the app and
 * its clock to the test, and closes the app after the class, before the server stops.
 *
 * <p>A provider of Helidon's test SPI (listed in META-INF/services), so it runs inside Helidon's
 * extension, the one place that holds the server builder; it does nothing for a class without
 * {@link ServedApp}. Helidon makes one per test class.
 */
public final class ServedAppExtension implements ServerJunitExtension {
    private ServedApp served;
    private InstantSource clock;
    private ShortlinkApp app;
    /** Closes what {@link #updateServerBuilder} opened: the app, and for PHASE3 its topic too. */
    private Runnable close = () -> { };

    @Override
    public void beforeAll(ExtensionContext context) {
        served = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ServedApp.class).orElse(null);
    }

    @Override
    public void updateServerBuilder(WebServerConfig.Builder builder) {
        if (served == null) {
            return;
        }
        clock = served.clockAt().isEmpty() ? InstantSource.system() : new ManualClock(Instant.parse(served.clockAt()));
        Map<String, String> settings = settings(served);
        switch (served.stack()) {
            case EMBEDDED -> {
                String database = served.databaseInFile() ? TestDatabase.freshInFile() : TestDatabase.fresh();
                app = TestApp.serve(builder, clock, TestApp.config(database, settings));
                close = app::close;
            }
            case PHASE1 -> {
                app = TestApp.serve(builder, clock, TestApp.config("phase1", TestDatabase.freshPhase1(), settings));
                close = app::close;
            }
            case PHASE2 -> {
                Map<String, String> redis = new HashMap<>(TestRedis.settings());
                redis.putAll(settings);
                app = TestApp.serve(builder, clock, TestApp.config("phase2", TestDatabase.freshPhase1(), redis));
                close = app::close;
            }
            case PHASE3 -> {
                if (!served.clockAt().isEmpty()) {
                    throw new IllegalArgumentException("@ServedApp: the PHASE3 stack runs on the system clock");
                }
                Phase3Server server = Phase3Server.serve(builder, served.topic(), settings);
                app = server.app();
                close = server::close;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return served != null && (type == ShortlinkApp.class || type == InstantSource.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context, Class<?> type, WebServer server) {
        return type == ShortlinkApp.class ? app : clock;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close.run();
    }

    private static Map<String, String> settings(ServedApp served) {
        Map<String, String> settings = new HashMap<>();
        for (String setting : served.settings()) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a @ServedApp setting is key=value, not '" + setting + "'");
            }
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return settings;
    }
}
