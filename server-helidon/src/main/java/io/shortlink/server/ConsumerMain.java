package io.shortlink.server;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.shortlink.core.jdbc.JdbcClickLedger;
import io.shortlink.events.ClickConsumer;

import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;

/**
 * The click consumer alone, without the redirect server: {@code scripts/run consumer [--stack phase3]}.
 * Reads the same configuration as {@link Main} (the stack's Kafka and database settings) and
 * serves only {@code /observe/health} and {@code /observe/metrics}, on {@code shortlink.kafka.consumer-port}
 * (8082 by default), so that several consumers of one group can run beside the servers.
 */
public final class ConsumerMain {
    static {
        ShutdownSafeLogManager.Install.unlessChosen();
    }

    private static final System.Logger LOG = System.getLogger(ConsumerMain.class.getName());

    private ConsumerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        String stack = args.length == 2 && "--stack".equals(args[0]) ? args[1] : Stack.PHASE3.id();
        if (!Stack.named(stack).services().contains("kafka")) {
            throw new IllegalArgumentException("stack '" + stack + "' has no Kafka click path; usage: [--stack phase3]");
        }
        io.helidon.config.Config config = Main.config(stack);
        ShortlinkConfig settings = ShortlinkConfig.from(config, stack);
        ServerMetrics metrics = new ServerMetrics(Metrics.globalRegistry());
        Database database = Database.open(settings.database());
        JdbcClickLedger ledger = JdbcClickLedger.builder(database.dataSource())
                .dialect(JdbcClickLedger.Dialect.of(settings.database().url()))
                .clock(InstantSource.system())
                .eventRetention(settings.eventRetention())
                .build();
        ClickConsumer consumer = ClickConsumer.builder(settings.kafka().consumer(), ledger).metrics(metrics).start();
        metrics.watchConsumer(consumer);
        HealthObserver health = HealthObserver.builder()
                .details(true)
                .useSystemServices(false)
                .addCheck(() -> HealthCheckResponse.builder().status(database.isReachable()).build(),
                        HealthCheckType.READINESS, "database")
                .addCheck(() -> HealthCheckResponse.builder().status(true).detail("lag", consumer.lag())
                        .detail("applied", consumer.applied()).build(), HealthCheckType.READINESS, "consumer")
                .build();
        int port = ShortlinkConfig.integer(config.get("shortlink.kafka.consumer-port"));
        WebServer server = WebServer.builder()
                .host(ShortlinkConfig.string(config.get("server.host")))
                .port(port)
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .addFeature(ObserveFeature.just(health))
                .routing(routing -> routing.register("/observe/metrics",
                        new MetricsEndpoint(metrics.registry(), (req, res) -> { })))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            consumer.close();
            database.close();
            LOG.log(System.Logger.Level.INFO, "event=consumer_stopped");
            stopped.countDown();
        }, "shortlink-consumer-shutdown"));
        LOG.log(System.Logger.Level.INFO, "event=consumer_ready observe=http://{0}:{1,number,#}/observe stack={2} topic={3} group={4}",
                server.prototype().host(), server.port(), stack, settings.kafka().consumer().topic(),
                settings.kafka().consumer().groupId());
        stopped.await();
    }
}
