package io.shortlink.server;

import org.junit.jupiter.api.Test;

import static io.shortlink.server.ServerAssertions.assertProblem;
import static io.shortlink.server.TestApp.JsonRead.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code shortlink.blocklist.file}: a blocked target is refused at creation with its own problem. */
@ServedApp(settings = "shortlink.blocklist.file=src/test/resources/blocklist-test.txt")
class BlocklistTest extends ServedAppTest {
    @Test
    void aBlockedHostOrDomain_is400UrlBlocked_andOthersAreCreated() {
        var host = client.postJson("/api/v1/links", "{\"url\":\"https://phish.example/login\"}");
        var domain = client.postJson("/api/v1/links", "{\"url\":\"https://cdn.malware.example/x.exe\"}");

        assertProblem(host, 400, "url-blocked");
        assertEquals("the host phish.example is on the blocklist", string(host.body(), "detail"));
        assertProblem(domain, 400, "url-blocked");
        assertEquals(201, client.postJson("/api/v1/links", "{\"url\":\"https://example.org/fine\"}").statusCode());
    }
}
