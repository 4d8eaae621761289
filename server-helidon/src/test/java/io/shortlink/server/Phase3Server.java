package io.shortlink.server;

import io.helidon.webserver.WebServerConfig;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The real server on stack phase3 in the test JVM, for a {@code @ServerTest}: the production
 * routing and wiring (Main.configure) over application-phase3.yaml and phase1 beneath it, on a
 * MariaDB database and a Kafka topic of its own, publisher and consumer both in this process, its
 * spill and quarantine files under {@code target/it-work/<topic>}. A test class asks for it with
 * {@code @ServedApp(stack = ServedApp.Stack.PHASE3, topic = "kafka-down")}.
 */
final class Phase3Server implements AutoCloseable {
    private final ShortlinkApp app;
    private final TestKafka.Topic topic;

    private Phase3Server(ShortlinkApp app, TestKafka.Topic topic) {
        this.app = app;
        this.topic = topic;
    }

    /** Makes the database and topic, opens the app with {@code overrides} on top, and configures {@code builder}. */
    static Phase3Server serve(WebServerConfig.Builder builder, String what, Map<String, String> overrides) {
        TestKafka.Topic topic = TestKafka.createTopic(what);
        try {
            Map<String, String> settings = new HashMap<>(topic.settings(Path.of("target", "it-work", topic.name())));
            settings.putAll(TestRedis.settings());
            settings.putAll(overrides);
            ShortlinkApp app = TestApp.serve(builder, InstantSource.system(),
                    TestApp.config("phase3", TestDatabase.freshPhase1(), settings));
            return new Phase3Server(app, topic);
        } catch (RuntimeException | AssertionError e) {
            topic.close();
            throw e;
        }
    }

    ShortlinkApp app() {
        return app;
    }

    TestKafka.Topic topic() {
        return topic;
    }

    /** Closes the app (publisher flushed or spilled, consumer stopped), then deletes the topic. */
    @Override
    public void close() {
        try {
            app.close();
        } finally {
            topic.close();
        }
    }
}
