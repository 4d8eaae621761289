package io.shortlink.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.util.Map;

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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShortlinkConfig.from(with("shortlink.base-url", "https://sho.rt/path"), "embedded"));

        assertTrue(e.getMessage().contains("shortlink.base-url"), e.getMessage());
    }

    @Test
    void badDuration_failsStartUp_namingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShortlinkConfig.from(with("shortlink.clicks.linger", "100ms"), "embedded"));

        assertTrue(e.getMessage().contains("shortlink.clicks.linger"), e.getMessage());
    }

    @Test
    void poolSize_outOfRange_failsStartUp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShortlinkConfig.from(with("shortlink.database.pool-size", "0"), "embedded"));

        assertTrue(e.getMessage().contains("pool-size"), e.getMessage());
    }

    private static Config with(String key, String value) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of(key, value)), ConfigSources.classpath("application.yaml"))
                .build();
    }
}
