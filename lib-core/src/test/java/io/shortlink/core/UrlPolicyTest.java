package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

final class UrlPolicyTest {
    private static final UrlPolicy POLICY = UrlPolicy.create(UrlPolicyConfig.defaults());
    private static final int MAX = UrlPolicyConfig.DEFAULT_MAX_LENGTH;

    // ---- what passes, and what is stored

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "https://example.org/path?q=1#f => https://example.org/path?q=1#f",
            "https://example.org => https://example.org",
            "http://example.org/ => http://example.org/",
            "https://example.org:8443/a => https://example.org:8443/a",
            "http://example.org:8080 => http://example.org:8080",
            "https://example.org/a%20b/%2F?x=%41&y=a+b => https://example.org/a%20b/%2F?x=%41&y=a+b",
            "https://example.org/Case/Stays?Q=Stays#Frag => https://example.org/Case/Stays?Q=Stays#Frag",
            "https://example.org?only=query => https://example.org?only=query",
            "https://example.org#only-fragment => https://example.org#only-fragment",
            "https://example.org/search?q=a:b@c/d?e => https://example.org/search?q=a:b@c/d?e",
            "https://example.org/#/spa/route?x=1 => https://example.org/#/spa/route?x=1",
            "https://sub.domain.example.co.uk/x => https://sub.domain.example.co.uk/x",
            "https://r3---sn-abc.googlevideo.com/v => https://r3---sn-abc.googlevideo.com/v",
            "https://1.2.3.4a/ => https://1.2.3.4a/",
    })
    void accepts_httpAndHttpsUrls_keepingPathQueryAndFragmentExactly(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "HTTPS://EXAMPLE.ORG/Path => https://example.org/Path",
            "HtTp://ExAmPlE.oRg/ => http://example.org/",
            "https://XN--BCHER-KVA.example/x => https://xn--bcher-kva.example/x",
    })
    void lowerCases_schemeAndHost_butNotThePath(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "https://bücher.example/x => https://xn--bcher-kva.example/x",
            "https://BÜCHER.example/x => https://xn--bcher-kva.example/x",
            "https://例え.テスト/パス => https://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9",
            "https://ｅｘａｍｐｌｅ．ｏｒｇ/ => https://example.org/",
            "https://i❤.ws/ => https://xn--i-7iq.ws/",
    })
    void convertsInternationalizedHosts_toPunycode(String url, String stored) {
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

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "http://example.org:80/a => http://example.org/a",
            "https://example.org:443/a => https://example.org/a",
            "https://example.org:0443/a => https://example.org/a",
            "https://example.org:/a => https://example.org/a",
            "http://example.org:443/a => http://example.org:443/a",
            "https://example.org:80/a => https://example.org:80/a",
            "https://example.org:65535/a => https://example.org:65535/a",
            "https://example.org:1/a => https://example.org:1/a",
    })
    void dropsDefaultAndEmptyPorts_only(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "https://example.org./x => https://example.org./x",
            "https://EXAMPLE.org./ => https://example.org./",
    })
    void acceptsATrailingDotHost_keepingTheDot(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "http://8.8.8.8/ => http://8.8.8.8/",
            "http://8.8.8.8:8080/dns => http://8.8.8.8:8080/dns",
            "http://0x08080808/ => http://8.8.8.8/",
            "http://134744072/ => http://8.8.8.8/",
            "http://8.8.2056/ => http://8.8.8.8/",
            "http://010.010.010.010/ => http://8.8.8.8/",
            "http://8.8.8.8./ => http://8.8.8.8/",
            "https://[2001:4860:4860::8888]/ => https://[2001:4860:4860::8888]/",
            "https://[2001:4860:4860:0:0:0:0:8888]:8443/x => https://[2001:4860:4860::8888]:8443/x",
            "https://[2001:4860:4860:0000:0000:0000:0000:8888]/ => https://[2001:4860:4860::8888]/",
            "https://[2001:DB8::1]/ => https://[2001:db8::1]/",
            "https://[2001:db8:0:0:1:0:0:1]/ => https://[2001:db8::1:0:0:1]/",
            "https://[::ffff:8.8.8.8]/ => https://[::ffff:808:808]/",
            "https://[64:ff9b::8.8.8.8]/ => https://[64:ff9b::808:808]/",
            "https://[2002:808:808::1]/ => https://[2002:808:808::1]/",
    })
    void acceptsPublicIpLiterals_inCanonicalForm(String url, String stored) {
        assertEquals(stored, POLICY.check(url));
    }

    @Test
    void acceptsAUrl_ofExactlyMaxLength() {
        String url = urlOfLength(MAX);

        assertEquals(url, POLICY.check(url));
    }

    // ---- what is refused, and under which rule

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

    @ParameterizedTest
    @ValueSource(strings = {"//example.org/", "//example.org", "///example.org/x"})
    void refuses_schemeRelativeUrls(String url) {
        assertRefused(url, InputRule.URL_SCHEME_RELATIVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "javascript://example.org/%0aalert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "vbscript:msgbox(1)",
            "ftp://example.org/file",
            "mailto:someone@example.org",
            "ws://example.org/socket",
            "httpx://example.org/",
            "example.org/path",
            "www.example.org",
            "/relative/path",
            "?q=1",
            ":8080/x",
            "http//example.org",
            "1http://example.org/",
            "example.org:8080/x",
    })
    void refuses_otherSchemesAndUrlsWithoutOne(String url) {
        assertRefused(url, InputRule.URL_SCHEME_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http:/example.org/x", "http:example.org", "https:", "https:?q", "HTTP:/x"})
    void refuses_httpUrlsWithoutAuthority_asMalformed(String url) {
        assertRefused(url, InputRule.URL_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://user:pass@example.org/",
            "https://user@example.org/",
            "https://:@example.org/",
            "https://@example.org/",
            "https://example.org@evil.example/",
            "https://a@b@evil.example/",
            "https://user:pass@127.0.0.1/",
    })
    void refuses_credentials_inAnyForm(String url) {
        assertRefused(url, InputRule.URL_USERINFO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://", "http:///x", "https://:443/", "https://?q", "https://#f", "https://:/"})
    void refuses_urlsWithoutHost(String url) {
        assertRefused(url, InputRule.URL_HOST_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://example.org:0/",
            "https://example.org:00/",
            "https://example.org:65536/",
            "https://example.org:99999999999999999999/",
            "https://example.org:-1/",
            "https://example.org:+80/",
            "https://example.org:http/",
            "https://example.org:80:80/",
            "https://example.org:8o/",
            "https://[2001:db8::1]:70000/",
            "https://example.org:٨٠/",
    })
    void refuses_portsOutside1To65535_orNotNumeric(String url) {
        assertRefused(url, InputRule.URL_PORT_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://exa_mple.com/",
            "https://%65xample.com/",
            "https://example.com%00.evil.example/",
            "https://example.com%0d%0a/",
            "https://example%0a.com/",
            "https://%31%32%37.0.0.1/",
            "https://a..b/",
            "https://.example.org/",
            "https://example.org../",
            "https://./",
            "https://-example.org/",
            "https://example-.org/",
            "https://exa!mple.org/",
            "https://exa*mple.org/",
            "https://exa<mple.org/",
            "https://a.b]/",
            "https://ex\u2100ample.org/",
            "https://example.org\uff1a80/",
    })
    void refuses_hostsThatAreNotDnsNames(String url) {
        assertRefused(url, InputRule.URL_HOST_INVALID);
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
    @ValueSource(strings = {
            "http://256.1.1.1/",
            "http://1.2.3.4.5/",
            "http://1.2.3.256/",
            "http://1.2.65536/",
            "http://1.16777216/",
            "http://4294967296/",
            "http://0x100000000/",
            "http://08.8.8.8/",
            "http://0x8g.8.8.8/",
            "http://1..2.3/",
            "http://example.123/",
            "http://example.0x1/",
            "http://999999999999999999999/",
    })
    void refuses_malformedIpv4Literals_andNamesEndingInANumber(String url) {
        assertRefused(url, InputRule.URL_HOST_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://[]/",
            "http://[::1/",
            "http://[::1]x/",
            "http://[1:2:3:4:5:6:7:8:9]/",
            "http://[1:2:3:4:5:6:7]/",
            "http://[1::2::3]/",
            "http://[:::]/",
            "http://[12345::1]/",
            "http://[g::1]/",
            "http://[2001:db8::1:]/",
            "http://[:2001:db8::1]/",
            "http://[::ffff:1.2.3]/",
            "http://[::ffff:1.2.3.256]/",
            "http://[::ffff:01.2.3.4]/",
            "http://[1:2:3:4:5:6:7:1.2.3.4]/",
            "http://[1:2:3:4:5:6:7:8::]/",
            "http://[v1.fe]/",
            "http://[2001:4860:4860::8888%25eth0]/",
            "http://[2001:db8::1%]/",
    })
    void refuses_malformedIpv6Literals_andZoneIdsOnPublicAddresses(String url) {
        assertRefused(url, InputRule.URL_HOST_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/",
            "http://127.0.0.1:8080/admin",
            "http://127.1/",
            "http://127.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0x7F.0.0.1/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://0177.1/",
            "http://017700000001/",
            "http://127.000.000.001/",
            "http://0x7f.0.0x0.1/",
            "http://127.255.255.254/",
            "http://127.0.0.1./",
            "http://１２７.０.０.１/",
            "http://[::1]/",
            "http://[0:0:0:0:0:0:0:1]/",
            "http://[0000::0001]/",
            "http://[::1%25lo]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[::ffff:0:127.0.0.1]/",
            "http://[64:ff9b::127.0.0.1]/",
            "http://[2002:7f00:1::]/",
    })
    void refuses_loopbackIpLiterals_inEverySpelling(String url) {
        assertRefused(url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://0.0.0.0/",
            "http://0/",
            "http://0x0/",
            "http://0.1.2.3/",
            "http://[::]/",
            "http://[0:0:0:0:0:0:0:0]/",
    })
    void refuses_unspecifiedAddresses(String url) {
        assertRefused(url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://10.0.0.1/",
            "http://10.255.255.255/",
            "http://167772161/",
            "http://012.0.0.1/",
            "http://0xa.1/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://192.168.257/",
            "http://0xc0a80101/",
            "http://[fc00::1]/",
            "http://[fd12:3456:789a::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[::ffff:c0a8:101]/",
            "http://[64:ff9b::192.168.0.1]/",
            "http://[64:ff9b:1::1]/",
            "http://[2002:c0a8:101::1]/",
            "http://[2002:0a00:0001::]/",
            "http://[fec0::1]/",
    })
    void refuses_privateAddresses_inEverySpelling(String url) {
        assertRefused(url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.0.1/",
            "http://2852039166/",
            "http://0xa9.0xfe.0xa9.0xfe/",
            "http://[fe80::1]/",
            "http://[fe80::1%25eth0]/",
            "http://[fe80::1%eth0]/",
            "http://[febf::1]/",
            "http://[::ffff:169.254.169.254]/",
    })
    void refuses_linkLocalAddresses(String url) {
        assertRefused(url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://100.64.0.1/",
            "http://100.127.255.255/",
            "http://224.0.0.1/",
            "http://239.255.255.250/",
            "http://240.0.0.1/",
            "http://255.255.255.255/",
            "http://4294967295/",
            "http://192.0.0.8/",
            "http://198.18.0.1/",
            "http://[ff02::1]/",
            "http://[ff05::1:3]/",
            "http://[::ffff:255.255.255.255]/",
            "http://[::ffff:100.64.0.1]/",
    })
    void refuses_carrierGradeNatMulticastBroadcastAndReservedAddresses(String url) {
        assertRefused(url, InputRule.URL_HOST_PRIVATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost/",
            "http://localhost:8080/x",
            "http://LOCALHOST/",
            "http://LocalHost./",
            "http://localhost./",
            "http://api.localhost/",
            "http://a.b.LOCALHOST/",
            "http://ｌｏｃａｌｈｏｓｔ/",
    })
    void refuses_localhostNames(String url) {
        assertRefused(url, InputRule.URL_HOST_LOCALHOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhostx/", "http://notlocalhost/", "http://localhost.example/"})
    void accepts_namesThatOnlyLookLikeLocalhost(String url) {
        assertEquals(url, POLICY.check(url));
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
    @ValueSource(strings = {
            "https://sho.rt/abc",
            "https://SHO.RT/abc",
            "http://sho.rt./abc",
            "https://sho.rt:8443/abc",
            "https://bücher.example/x",
            "https://XN--BCHER-KVA.EXAMPLE/x",
            "https://203.0.113.7/x",
            "https://0xcb.0.113.7/x",
            "https://[2001:db8::7]/x",
            "https://[2001:DB8:0::7]/x",
    })
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
