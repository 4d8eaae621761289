package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tables of cases, one URL a line and grouped under a comment that says what they show, are in
 * {@code src/test/resources/io/shortlink/core/url-policy/}; what needs a Java escape stays here.
 */
final class UrlPolicyTest {
    private static final UrlPolicy POLICY = UrlPolicy.create(UrlPolicyConfig.defaults());
    private static final int MAX = UrlPolicyConfig.DEFAULT_MAX_LENGTH;

    // ---- what passes, and what is stored

    @ParameterizedTest
    @CsvFileSource(resources = "url-policy/accepted.csv", delimiterString = " => ")
    void accepts_httpAndHttpsUrls_storingTheFormInTheTable(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @Test
    void percentEncodesNonAsciiPathQueryAndFragment_asBrowsersDo() {
        assertEquals("https://example.org/%C3%BC?q=%C3%A4#%C3%B6", POLICY.check("https://example.org/ü?q=ä#ö"));
        assertEquals("https://example.org/%F0%9F%98%80", POLICY.check("https://example.org/\uD83D\uDE00"));
    }

    @Test
    void keepsExistingEscapesAndAsciiUntouched() {
        assertEquals("https://example.org/a%2Fb?x=%41&y=\"z\"", POLICY.check("https://example.org/a%2Fb?x=%41&y=\"z\""));
    }

    @Test
    void refuses_aUrl_whoseEncodedPathMakesItTooLong() {
        UrlPolicy policy = UrlPolicy.create(new UrlPolicyConfig(32, false, Set.of()));
        String url = "https://example.org/" + "ü".repeat(6);

        assertEquals(26, url.length());
        assertRefused(policy, url, InputRule.URL_TOO_LONG);
    }

    @Test
    void acceptsAUrl_ofExactlyMaxLength() {
        String url = urlOfLength(MAX);

        assertEquals(url, POLICY.check(url));
    }

    // ---- what is refused, and under which rule

    @ParameterizedTest
    @CsvFileSource(resources = "url-policy/refused.csv", delimiterString = " => ")
    void refuses_eachUrl_underTheRuleInTheTable(String url, InputRule rule) {
        assertRefused(url, rule);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\t", "\n", "\u3000"})
    void refuses_missingOrBlankUrls(String url) {
        assertRefused(url, InputRule.URL_MISSING);
    }

    @Test
    void refuses_aUrl_oneCharacterOverMaxLength() {
        assertRefused(urlOfLength(MAX + 1), InputRule.URL_TOO_LONG);
    }

    @Test
    void refuses_aUrl_whosePunycodeHostMakesItTooLong() {
        UrlPolicy policy = UrlPolicy.create(new UrlPolicyConfig(32, false, Set.of()));
        String url = "https://ü.example/" + "a".repeat(32 - "https://ü.example/".length());

        assertEquals(32, url.length());
        assertRefused(policy, url, InputRule.URL_TOO_LONG);
    }

    @ParameterizedTest
    @MethodSource
    void refuses_whitespaceControlCharactersAndBackslashes_anywhere(String url) {
        assertRefused(url, InputRule.URL_ILLEGAL_CHARACTER);
    }

    static Stream<String> refuses_whitespaceControlCharactersAndBackslashes_anywhere() {
        return Stream.of(
                " https://example.org/",
                "https://example.org/ ",
                "https://exa mple.org/",
                "https://example.org/a b",
                "https://example.org/\tx",
                "https://example.org/\r\nSet-Cookie: a=b",
                "https://example.org/\n",
                "https://example.org/\u0000",
                "https://example.org\u0000.evil.example/",
                "https://example.org/\u0007",
                "https://example.org/\u001f",
                "https://example.org/\u007f",
                "https://example.org/\u0085",
                "https://example.org/\u00a0",
                "https://example.org/\u2028",
                "https://example.org/\u3000",
                "https:\\\\evil.example/",
                "https://evil.example\\@example.org/",
                "https://example.org/a\\b");
    }

    @Test
    void refuses_anUnpairedSurrogate_asMalformed() {
        assertRefused("https://example.org/\ud800x", InputRule.URL_MALFORMED);
    }

    @Test
    void refuses_labelsOver63_andNamesOver253Characters() {
        assertRefused("https://" + "a".repeat(64) + ".example/", InputRule.URL_HOST_INVALID);
        String name253 = ("a".repeat(62) + ".").repeat(4) + "a".repeat(1);
        assertEquals(253, name253.length());
        assertEquals("https://" + name253 + "/", POLICY.check("https://" + name253 + "/"));
        assertRefused("https://" + name253 + "b/", InputRule.URL_HOST_INVALID);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "http://localhost:8080/x => http://localhost:8080/x",
            "http://API.localhost/ => http://api.localhost/",
    })
    void acceptsLocalhost_whenTheConfigAllowsIt(String url, String stored) {
        UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults().withAllowLocalhost(true));

        assertEquals(stored, policy.check(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://[::1]/", "http://0x7f.1/"})
    void refusesLoopbackLiterals_evenWhenLocalhostIsAllowed(String url) {
        UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults().withAllowLocalhost(true));

        assertRefused(policy, url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @CsvFileSource(resources = "url-policy/own-hosts.csv")
    void refuses_ownHosts_inAnySpelling(String url) {
        UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults()
                .withOwnHosts(Set.of("Sho.RT", "bücher.example.", "203.0.113.7", "2001:db8::7")));

        assertRefused(policy, url, InputRule.URL_HOST_SELF);
    }

    @Test
    void refusesOwnLocalhost_asSelf_whenLocalhostIsAllowed() {
        UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults()
                .withAllowLocalhost(true).withOwnHosts(Set.of("localhost")));

        assertRefused(policy, "http://localhost:8080/abc", InputRule.URL_HOST_SELF);
    }

    @Test
    void acceptsOtherHosts_besideOwnHosts() {
        UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults().withOwnHosts(Set.of("sho.rt")));

        assertEquals("https://www.sho.rt/abc", policy.check("https://www.sho.rt/abc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sho.rt:8080", "https://sho.rt", "exa_mple.org", "", "256.1.1.1"})
    void create_refusesOwnHosts_thatAreNoHost(String ownHost) {
        UrlPolicyConfig config = UrlPolicyConfig.defaults().withOwnHosts(Set.of(ownHost));

        assertThrows(IllegalArgumentException.class, () -> UrlPolicy.create(config));
    }

    @Test
    void namesTheRule_andWhatWasWrong_inTheDetail() {
        InputRejectedException e = assertThrows(InputRejectedException.class,
                () -> POLICY.check("http://0x7f.1/admin"));

        assertEquals(InputRule.URL_HOST_PRIVATE, e.rule());
        assertEquals("address 127.0.0.1 is loopback, private, link-local, multicast or reserved", e.detail());
    }

    private static String urlOfLength(int length) {
        String prefix = "https://example.org/";
        return prefix + "a".repeat(length - prefix.length());
    }

    private static void assertRefused(String url, InputRule rule) {
        assertRefused(POLICY, url, rule);
    }

    private static void assertRefused(UrlPolicy policy, String url, InputRule rule) {
        InputRejectedException e = assertThrows(InputRejectedException.class, () -> policy.check(url),
                () -> "accepted " + url);
        assertEquals(rule, e.rule(), () -> url + " was refused for: " + e.detail());
    }
}
