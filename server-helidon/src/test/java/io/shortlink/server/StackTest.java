package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void phase3_isPhase1WithKafka() {
        ShortlinkConfig config = ShortlinkConfig.from(Main.config("phase3"), "phase3");

        assertTrue(config.database().isMySqlFamily(), "phase3 reads application-phase1.yaml underneath");
        assertEquals(ShortlinkConfig.ClickMode.KAFKA, config.clickMode());
    }

    @Test
    void listing_givesScriptsEachStackAndTheServicesItNeeds() {
        assertEquals("""
                embedded
                phase1 mariadb
                phase1-before mariadb
                phase3* mariadb kafka""", Stack.listing());
    }

    @Test
    void unknownStack_isRefused_namingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.config("phase9"));

        assertTrue(e.getMessage().contains("embedded|phase1|phase1-before|phase3"), e.getMessage());
    }
}
