package io.shortlink.core;

import io.shortlink.core.memory.InMemoryStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "embed the shortener" lines, compiled and run here; a second test checks that the
 * README shows exactly these lines, so the example cannot rot.
 */
final class ReadmeExampleTest {
    private static final String BEGIN = "// README:begin";
    private static final String END = "// README:end";

    @Test
    void theReadmesExample_runs() throws InterruptedException {
        // README:begin
        InMemoryStore store = new InMemoryStore();                  // or your JDBC LinkStore, ledger and stats
        ClickBatcher clicks = ClickBatcher.builder(store).start();  // the ClickSink redirects hand clicks to
        Shortener shortener = Shortener.builder().store(store).stats(store).clicks(clicks).build();

        Link link = shortener.create(NewLink.to("https://example.org/launch").withAlias("launch"));
        Redirect redirect = shortener.follow("launch");             // GET /launch: the click is counted
        String location = redirect instanceof Redirect.To to ? to.link().url() : null;   // 302 to it
        clicks.flush(Duration.ofSeconds(1));
        long counted = shortener.details("launch").totalClicks();   // 1
        clicks.close();                                             // at shutdown: deliver what is held
        // README:end

        assertEquals("launch", link.code().value());
        assertEquals("https://example.org/launch", location);
        assertEquals(1, counted);
    }

    @Test
    void theReadme_showsExactlyTheseLines() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/io/shortlink/core/ReadmeExampleTest.java"));
        List<String> example = source.subList(indexOf(source, BEGIN) + 1, indexOf(source, END)).stream()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .toList();
        String readme = Files.readString(Path.of("README.md"));

        assertTrue(readme.contains("```java\n" + String.join("\n", example) + "\n```"),
                "lib-core/README.md must show the example of " + getClass().getSimpleName() + " as it is:\n"
                        + String.join("\n", example));
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("no line " + marker);
    }
}
