package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class StackTest {

    @Test
    void everyProfileFile_isAStack_andEveryStackButEmbedded_hasOne() throws IOException {
        Set<String> profiles;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources"))) {
            profiles = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("application-") && n.endsWith(".yaml"))
                    .map(n -> n.substring("application-".length(), n.length() - ".yaml".length()))
                    .collect(Collectors.toSet());
        }
        Set<String> stacks = Arrays.stream(Stack.values()).filter(s -> s != Stack.EMBEDDED).map(Stack::id)
                .collect(Collectors.toSet());

        assertEquals(stacks, profiles);
    }

    @Test
    void everyStack_readsItsProfiles_intoASettingTheServerAccepts() {
        for (Stack stack : Stack.values()) {
            ShortlinkConfig config = ShortlinkConfig.from(Main.config(stack.id()), stack.id());

            assertEquals(stack.id(), config.stack());
        }
    }

    @Test
    void phase2_isPhase1WithTheRedisTier_andAShortInProcessLifetime() {
        ShortlinkConfig config = ShortlinkConfig.from(Main.config("phase2"), "phase2");

        assertTrue(config.database().isMySqlFamily(), "phase2 reads application-phase1.yaml underneath");
        assertEquals("redis://127.0.0.1:16379", config.l2().orElseThrow().addresses().getFirst());
        assertEquals(Duration.ofSeconds(30), config.cache().l1Ttl());
        assertEquals(ShortlinkConfig.ClickMode.BATCHED, config.clickMode());
    }

    @Test
    void phase3_isPhase2WithKafka() {
        ShortlinkConfig config = ShortlinkConfig.from(Main.config("phase3"), "phase3");

        assertTrue(config.database().isMySqlFamily(), "phase3 reads application-phase1.yaml underneath");
        assertTrue(config.l2().isPresent(), "phase3 reads application-phase2.yaml underneath");
        assertEquals(ShortlinkConfig.ClickMode.KAFKA, config.clickMode());
    }

    @Test
    void theEmbeddedAndPhase1Stacks_needNoRedis() {
        assertTrue(ShortlinkConfig.from(Main.config("embedded"), "embedded").l2().isEmpty());
        assertTrue(ShortlinkConfig.from(Main.config("phase1"), "phase1").l2().isEmpty());
    }

    @Test
    void listing_givesScriptsEachStackAndTheServicesItNeeds() {
        assertEquals("""
                embedded
                phase1 mariadb
                phase1-before mariadb
                phase2 mariadb redis
                phase3* mariadb redis kafka""", Stack.listing());
    }

    @Test
    void unknownStack_isRefused_namingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.config("phase9"));

        assertTrue(e.getMessage().contains("embedded|phase1|phase1-before|phase2|phase3"), e.getMessage());
    }
}
