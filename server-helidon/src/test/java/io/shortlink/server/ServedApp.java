package io.shortlink.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The app a {@link ServedAppTest} runs against: the real app ({@link TestApp}: production routing,
 * limits and handlers over a fresh database) on the clock and settings named here. Opened before
 * the server starts and closed after the class, by {@link ServedAppExtension}.
 *
 * <pre>{@code
 * @ServedApp(clockAt = "2026-03-01T10:00:00Z")
 * class RedirectTest extends ServedAppTest {
 *     @Test
 *     void redirect_answers302() { ... client.get("/" + code) ... clock().advance(...) ... }
 * }
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
}
