package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class ShortlinkConfigTest {

    @Test
    void defaults_comeFromApplicationYaml() {
        ShortlinkConfig config = ShortlinkConfig.from(with("unrelated.key", "x"), "embedded");

        assertEquals("http://localhost:8080", config.baseUrl().toString());
        assertEquals(7, config.codeLength());
        assertTrue(config.database().url().startsWith("jdbc:h2:file:./data/"));
        assertTrue(config.urlPolicy().ownHosts().contains("localhost"), "the service's own host is refused as a target");
    }

    @Test
    void baseUrl_mustBeAnOrigin() {
        String message = startUpFailure("shortlink.base-url", "https://sho.rt/path");

        assertTrue(message.contains("shortlink.base-url"), message);
    }

    @Test
    void badDuration_failsStartUp_namingTheKey() {
        String message = startUpFailure("shortlink.clicks.linger", "100ms");

        assertTrue(message.contains("shortlink.clicks.linger"), message);
    }

    @Test
    void poolSize_outOfRange_failsStartUp() {
        String message = startUpFailure("shortlink.database.pool-size", "0");

        assertTrue(message.contains("pool-size"), message);
    }

    /**
     * application.yaml shows a library's default as a line starting with {@code #: }; such a line,
     * set, must change nothing, or the file tells operators a default the code does not use.
     */
    @Test
    void everyDefaultShownInApplicationYaml_isTheDefaultTheCodeUses(@TempDir Path dir) throws IOException {
        String yaml;
        try (InputStream in = ShortlinkConfigTest.class.getResourceAsStream("/application.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher shown = Pattern.compile("(?m)^(\\s*)#: ").matcher(yaml);
        String everyDefaultSet = shown.replaceAll("$1");
        long lines = Pattern.compile("(?m)^\\s*#: ").matcher(yaml).results().count();
        Path file = Files.writeString(dir.resolve("application.yaml"), everyDefaultSet);

        // The Redis tier on in both, so that its shown defaults are read too.
        ShortlinkConfig asShipped = ShortlinkConfig.from(with("shortlink.cache.l2.enabled", "true"), "embedded");
        ShortlinkConfig withEverySet = ShortlinkConfig.from(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of("shortlink.cache.l2.enabled", "true")), ConfigSources.file(file))
                .build(), "embedded");

        assertTrue(lines >= 30, "application.yaml shows the libraries' defaults, found " + lines);
        assertTrue(asShipped.l2().isPresent());
        assertEquals(asShipped, withEverySet);
    }

    @Test
    void aServerSettingMissing_failsStartUp_namingTheKey() {
        Config noFile = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of("server.port", "8080")))
                .build();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ShortlinkConfig.from(noFile, "embedded"));

        assertTrue(e.getMessage().startsWith("shortlink.") && e.getMessage().contains("application.yaml"), e.getMessage());
    }

    /** The message of the exception that refuses the config with {@code key} set to {@code value}. */
    private static String startUpFailure(String key, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShortlinkConfig.from(with(key, value), "embedded"));
        return e.getMessage();
    }

    private static Config with(String key, String value) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of(key, value)), ConfigSources.classpath("application.yaml"))
                .build();
    }
}
