package io.shortlink.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The app a {@link ServedAppTest} runs against: the real app ({@link TestApp}: production routing,
 * limits and handlers over a fresh database) on the stack, clock and settings named here. Opened
 * before the server starts and closed after the class, by {@link ServedAppExtension}.
 *
 * <pre>{@code
 * @ServedApp(clockAt = "2026-03-01T10:00:00Z")
 * class RedirectTest extends ServedAppTest {
 *     @Test
 *     void redirect_answers302() { ... client.get("/" + code) ... clock().advance(...) ... }
 * }
 *
 * @ServedApp(stack = ServedApp.Stack.PHASE3, topic = "kafka-down")
 * final class KafkaDownUnderLoadIT extends ServedAppTest { ... RedirectsUnderLoad.create(uri, adminToken, ...) ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ServedApp {
    /** Where the app's {@code ManualClock} starts (an ISO instant); empty: the system clock. */
    String clockAt() default "";

    /** Settings over the test configuration, each {@code key=value}. */
    String[] settings() default {};

    /** The stack the app runs. */
    Stack stack() default Stack.EMBEDDED;

    /** {@link Stack#EMBEDDED} only: keep the H2 database in a file, as the embedded default does, not in memory. */
    boolean databaseInFile() default false;

    /** {@link Stack#PHASE3} only: what the app's own Kafka topic is named after. */
    String topic() default "";

    enum Stack {
        /** The embedded profile over {@link TestDatabase#fresh()}: H2, or MariaDB on the integration profile. */
        EMBEDDED,
        /** The phase-1 stack (its pool and JDBC timeouts) on a new MariaDB database: integration profile. */
        PHASE1,
        /**
         * The phase-2 stack on a new MariaDB database and the integration profile's Redis, under a
         * key prefix of its own.
         */
        PHASE2,
        /**
         * {@link Phase3Server}: the phase-3 stack on a new MariaDB database and a Kafka topic of its
         * own, on the system clock.
         */
        PHASE3
    }
}
