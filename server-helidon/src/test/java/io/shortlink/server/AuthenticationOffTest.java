package io.shortlink.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code shortlink.api.authentication: false}: no key is asked for, and none is issued. */
@ServedApp(settings = "shortlink.api.authentication=false")
class AuthenticationOffTest extends ServedAppTest {
    @Test
    void everyCallIsAnAdminsWithoutAKey() {
        TestApp.Client anonymous = client.withToken(null);

        assertTrue(app.firstAdminKey().isEmpty(), "no key is issued when none is asked for");
        String code = anonymous.create("https://example.org/open-api");
        assertEquals(200, anonymous.get("/api/v1/links/" + code).statusCode());
        assertEquals(200, anonymous.get("/api/v1/stats").statusCode());
        assertEquals(204, anonymous.delete("/api/v1/links/" + code).statusCode());
    }
}
