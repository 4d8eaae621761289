package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.accesslog.AccessLogFeature;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Starts the shortlink server: {@code java -jar shortlink-server.jar [--stack embedded]}, or
 * lists the stacks for scripts: {@code --list-stacks} (see {@link Stack#listing()}).
 *
 * <p>Configuration: {@code application.yaml}, overridden by {@code application-<stack>.yaml},
 * overridden by system properties, overridden by environment variables (Helidon's mapping:
 * {@code SERVER_PORT} is {@code server.port}, {@code SHORTLINK_BASE_dash_URL} is
 * {@code shortlink.base-url}).
 */
public final class Main {
    static {
        ShutdownSafeLogManager.Install.unlessChosen();
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && "--list-stacks".equals(args[0])) {
            System.out.println(Stack.listing());
            return;
        }
        LogConfig.configureRuntime();
        String stack = stack(args);
        Config config = config(stack);
        ShortlinkConfig settings = ShortlinkConfig.from(config, stack);
        ShortlinkApp app = ShortlinkApp.open(settings, new ServerMetrics(Metrics.globalRegistry()), InstantSource.system());
        WebServer server;
        try {
            WebServerConfig.Builder builder = WebServer.builder();
            configure(builder, config.get("server"), app);
            server = builder.build().start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, app, settings.drainDelay()), "shortlink-shutdown"));
        LOG.log(System.Logger.Level.INFO, "event=ready url=http://{0}:{1,number,#} base_url={2} stack={3} database={4}",
                server.prototype().host(), server.port(), settings.baseUrl(), stack, settings.database().url());
    }

    /** The listener: limits, problem+json before routing, observability, and the app's routing. */
    static void configure(WebServerConfig.Builder builder, Config serverConfig, ShortlinkApp app) {
        builder.config(serverConfig)
                // Our own hook orders the shutdown: readiness down, drain, stop, flush clicks.
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .directHandlers(ProblemDirectHandler.forAllEvents())
                .addFeature(app.observeFeature())
                .routing(app::routing);
        if (app.config().accessLog()) {
            builder.addFeature(AccessLogFeature.create());
        }
    }

    static Config config(String stack) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.environmentVariables());
        sources.add(ConfigSources.systemProperties());
        sources.addAll(profiles(stack));
        return Config.builder()
                .disableSystemPropertiesSource()
                .disableEnvironmentVariablesSource()
                .sources(sources)
                .build();
    }

    /**
     * The stack's profile files, highest precedence first: {@code application-<stack>.yaml} (the
     * embedded stack has none), those of the stacks it builds on, then {@code application.yaml}.
     */
    static List<Supplier<? extends ConfigSource>> profiles(String stack) {
        Stack named = Stack.named(stack);
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (named != Stack.EMBEDDED) {
            sources.add(ConfigSources.classpath("application-" + named.id() + ".yaml"));
        }
        for (String under : named.underneath()) {
            sources.add(ConfigSources.classpath("application-" + under + ".yaml"));
        }
        sources.add(ConfigSources.classpath("application.yaml"));
        return sources;
    }

    private static String stack(String[] args) {
        String stack = "embedded";
        for (int i = 0; i < args.length; i++) {
            if ("--stack".equals(args[i]) && i + 1 < args.length) {
                stack = args[++i];
            } else if (args[i].startsWith("--stack=")) {
                stack = args[i].substring("--stack=".length());
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: [--stack "
                        + Stack.ids("|") + "] | --list-stacks");
            }
        }
        return Stack.named(stack).id();
    }

    /** SIGTERM: readiness DOWN, wait for the balancer to notice, finish in-flight requests, flush clicks. */
    private static void shutdown(WebServer server, ShortlinkApp app, Duration drainDelay) {
        LOG.log(System.Logger.Level.INFO, "event=shutdown step=draining delay={0}", drainDelay);
        app.startDraining();
        try {
            Thread.sleep(drainDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        app.close();
        LOG.log(System.Logger.Level.INFO, "event=shutdown step=done");
    }
}
