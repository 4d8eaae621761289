package io.shortlink.core;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a URL may become the target of a short link, and returns the form to store.
 *
 * <p>Accepted are absolute {@code http} and {@code https} URLs of the form
 * {@code scheme://host[:port][/path][?query][#fragment]} whose host is a valid DNS name or a
 * public IP address. {@link #check(String)} returns the URL with its scheme and host in lower
 * case, an internationalized host in punycode ({@code bücher.example} becomes
 * {@code xn--bcher-kva.example}), an IPv4 literal in dotted decimal, an IPv6 literal in its
 * shortest form, and a default port ({@code :80}, {@code :443}) or empty port dropped. Path,
 * query and fragment keep every ASCII character as given (nothing is decoded, and existing
 * escapes stay as they are); non-ASCII characters ({@code /ü?q=ä}) are percent-encoded as UTF-8
 * ({@code /%C3%BC?q=%C3%A4}), exactly as a browser encodes them when it follows the link. So the
 * stored URL is pure ASCII and can go into a {@code Location} header as it is.
 *
 * <p>Anything else is refused with an {@link InputRejectedException} naming exactly one
 * {@link InputRule}. When an input breaks several rules, the first in this order is named:
 * {@link InputRule#URL_MISSING URL_MISSING}, {@link InputRule#URL_TOO_LONG URL_TOO_LONG} (of the
 * input), {@link InputRule#URL_ILLEGAL_CHARACTER URL_ILLEGAL_CHARACTER},
 * {@link InputRule#URL_SCHEME_RELATIVE URL_SCHEME_RELATIVE},
 * {@link InputRule#URL_SCHEME_NOT_ALLOWED URL_SCHEME_NOT_ALLOWED},
 * {@link InputRule#URL_MALFORMED URL_MALFORMED}, {@link InputRule#URL_USERINFO URL_USERINFO},
 * {@link InputRule#URL_HOST_MISSING URL_HOST_MISSING}, {@link InputRule#URL_PORT_INVALID URL_PORT_INVALID},
 * {@link InputRule#URL_HOST_INVALID URL_HOST_INVALID}, {@link InputRule#URL_HOST_PRIVATE URL_HOST_PRIVATE},
 * {@link InputRule#URL_HOST_LOCALHOST URL_HOST_LOCALHOST}, {@link InputRule#URL_HOST_SELF URL_HOST_SELF},
 * and {@link InputRule#URL_TOO_LONG URL_TOO_LONG} again for the normalized result.
 *
 * <p>IP literals are read the way browsers read them, so every spelling of an address is judged
 * as that address: {@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}, {@code 0177.0.0.1} and
 * {@code [::ffff:7f00:1]} are all loopback and all refused. A host whose last label is a number
 * is such a literal, never a name. Host names are never resolved: a public name whose DNS record
 * points at a private address is accepted, because the shortener only redirects to the target
 * and never fetches it itself.
 *
 * <p>Immutable and thread-safe; {@code check} does no I/O and never blocks.
 */
public final class UrlPolicy {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final int maxLength;
    private final boolean allowLocalhost;
    /** Canonical hosts without a trailing dot, so that every spelling of our own host matches. */
    private final Set<String> ownHosts;

    private UrlPolicy(int maxLength, boolean allowLocalhost, Set<String> ownHosts) {
        this.maxLength = maxLength;
        this.allowLocalhost = allowLocalhost;
        this.ownHosts = ownHosts;
    }

    /**
     * A policy for {@code config}.
     *
     * @throws IllegalArgumentException when one of {@code config.ownHosts()} is not a host name
     *                                  or IP address (a port or scheme there is a mistake)
     */
    public static UrlPolicy create(UrlPolicyConfig config) {
        Objects.requireNonNull(config, "config");
        Set<String> own = new HashSet<>();
        for (String host : config.ownHosts()) {
            // A bare IPv6 address is how people write it in a config file; the URL form has brackets.
            String urlForm = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
            try {
                own.add(Host.parse(urlForm).name());
            } catch (InputRejectedException e) {
                throw new IllegalArgumentException("ownHosts: '" + host + "' is not a host: " + e.detail());
            }
        }
        return new UrlPolicy(config.maxLength(), config.allowLocalhost(), Set.copyOf(own));
    }

    /**
     * Checks {@code raw} and returns the URL to store.
     *
     * @throws InputRejectedException naming the first rule {@code raw} breaks, in the order of the
     *                                class description
     */
    public String check(String raw) {
        if (raw == null || raw.isBlank()) {
            throw refuse(InputRule.URL_MISSING, "url is missing or blank");
        }
        if (raw.length() > maxLength) {
            throw refuse(InputRule.URL_TOO_LONG, "url is " + raw.length() + " characters, at most " + maxLength + " are allowed");
        }
        refuseIllegalCharacters(raw);
        if (raw.startsWith("//")) {
            throw refuse(InputRule.URL_SCHEME_RELATIVE, "url must start with http:// or https://, not //");
        }
        String scheme = scheme(raw);
        if (!raw.startsWith("//", scheme.length() + 1)) {
            throw refuse(InputRule.URL_MALFORMED, "'" + scheme + ":' must be followed by '//' and a host");
        }
        int authorityStart = scheme.length() + 3;
        int authorityEnd = endOfAuthority(raw, authorityStart);
        String authority = raw.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            throw refuse(InputRule.URL_USERINFO, "url must not carry credentials (user:pass@host)");
        }

        String hostText = authority;
        String portText = "";
        int close = authority.startsWith("[") ? authority.indexOf(']') : 0;
        if (close < 0) {
            throw refuse(InputRule.URL_HOST_INVALID, "host " + authority + " opens an IPv6 address with '[' but never closes it");
        }
        int portColon = authority.indexOf(':', close);
        if (portColon >= 0) {
            hostText = authority.substring(0, portColon);
            portText = authority.substring(portColon + 1);
        }
        if (hostText.isEmpty()) {
            throw refuse(InputRule.URL_HOST_MISSING, "url has no host");
        }
        int port = port(portText);
        Host host = Host.parse(hostText);
        refuseForbiddenHost(host);

        StringBuilder url = new StringBuilder(raw.length() + 16)
                .append(scheme).append("://").append(host.canonical());
        if (port != 0 && port != (scheme.equals("https") ? 443 : 80)) {
            url.append(':').append(port);
        }
        appendPercentEncodingNonAscii(url, raw, authorityEnd);
        if (url.length() > maxLength) {
            throw refuse(InputRule.URL_TOO_LONG, "url is " + url.length() + " characters once its host is in punycode and"
                    + " non-ASCII characters are percent-encoded, at most " + maxLength + " are allowed");
        }
        return url.toString();
    }

    private void refuseForbiddenHost(Host host) {
        if (host.ip() != null) {
            if (!host.ip().isPublic()) {
                throw refuse(InputRule.URL_HOST_PRIVATE, "address " + host.canonical()
                        + " is loopback, private, link-local, multicast or reserved");
            }
            if (host.zoned()) {
                throw refuse(InputRule.URL_HOST_INVALID, "only a link-local IPv6 address can carry a zone id");
            }
        } else if (!allowLocalhost && (host.name().equals("localhost") || host.name().endsWith(".localhost"))) {
            throw refuse(InputRule.URL_HOST_LOCALHOST, "host " + host.canonical() + " is this machine");
        }
        if (ownHosts.contains(host.name())) {
            throw refuse(InputRule.URL_HOST_SELF, "host " + host.canonical() + " is this shortener; a link to it would loop");
        }
    }

    /**
     * Refuses, before any parsing, what browsers would silently strip or reinterpret: whitespace
     * and control characters (tab, CR and LF are removed from URLs by browsers, and CR/LF could
     * split a header if a client wrote the URL raw) and the backslash, which browsers read as "/"
     * in http URLs, so that "https:\\evil.example" would reach a host this parser never saw.
     */
    private static void refuseIllegalCharacters(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean illegal = c < 0x80
                    ? c <= 0x20 || c == 0x7F || c == '\\'
                    : Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
            if (illegal) {
                throw refuse(InputRule.URL_ILLEGAL_CHARACTER, "url contains " + String.format("U+%04X", (int) c)
                        + " at index " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // A half of a surrogate pair has no UTF-8 form; no browser could request it.
                throw refuse(InputRule.URL_MALFORMED, "url contains an unpaired surrogate at index " + i);
            }
        }
    }

    /** The scheme in lower case; refuses a URL without one, or with one other than http and https. */
    private static String scheme(String raw) {
        int colon = -1;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ':' && i > 0) {
                colon = i;
                break;
            }
            boolean schemeChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!schemeChar) {
                break;
            }
        }
        if (colon < 0) {
            throw refuse(InputRule.URL_SCHEME_NOT_ALLOWED, "url has no scheme; it must start with http:// or https://");
        }
        if (colon == 4 && raw.regionMatches(true, 0, "http", 0, 4)) {
            return "http";
        }
        if (colon == 5 && raw.regionMatches(true, 0, "https", 0, 5)) {
            return "https";
        }
        throw refuse(InputRule.URL_SCHEME_NOT_ALLOWED, "scheme '" + raw.substring(0, colon).toLowerCase(Locale.ROOT)
                + "' is not allowed; only http and https are");
    }

    private static int endOfAuthority(String raw, int start) {
        for (int i = start; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return raw.length();
    }

    /** The port number, or 0 when none is given; an empty port means the default, as in browsers. */
    private static int port(String text) {
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw refuse(InputRule.URL_PORT_INVALID, "port '" + text + "' is not a number");
            }
            port = port * 10 + (c - '0');
            if (port > 65_535) {
                throw refuse(InputRule.URL_PORT_INVALID, "port " + text + " is above 65535");
            }
        }
        if (port == 0 && !text.isEmpty()) {
            throw refuse(InputRule.URL_PORT_INVALID, "port 0 cannot be connected to");
        }
        return port;
    }

    /**
     * Appends {@code raw} from {@code start}, each non-ASCII code point as its UTF-8 bytes in
     * {@code %XX} form. ASCII is copied untouched: re-encoding it could change what the target
     * server sees (a literal {@code %2F} is not a {@code /}).
     */
    private static void appendPercentEncodingNonAscii(StringBuilder url, String raw, int start) {
        int firstNonAscii = start;
        while (firstNonAscii < raw.length() && raw.charAt(firstNonAscii) < 0x80) {
            firstNonAscii++;
        }
        // Nearly every URL is ASCII: one bulk copy (per-character appends made check() 3x slower).
        url.append(raw, start, firstNonAscii);
        for (int i = firstNonAscii; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                url.append((char) cp);
                continue;
            }
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                url.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
    }

    private static InputRejectedException refuse(InputRule rule, String detail) {
        return new InputRejectedException(rule, detail);
    }

    /**
     * A host as we store it ({@code canonical}) and as we compare it ({@code name}: without a
     * trailing dot), with its address when it is an IP literal.
     *
     * @param ip    the address, or null for a host name
     * @param zoned whether an IPv6 literal carried a zone id ({@code %25eth0})
     */
    private record Host(String canonical, String name, IpLiteral ip, boolean zoned) {

        /** Parses the host of a URL's authority, brackets included; refuses what is no valid host. */
        static Host parse(String text) {
            if (text.startsWith("[")) {
                return bracketed(text);
            }
            if (text.indexOf('%') >= 0) {
                // Browsers decode a host before reading it, so %31%32%37.0.0.1 would be loopback
                // and %00 or %0a could cut it short. No real host needs encoding: refuse them all.
                throw refuse(InputRule.URL_HOST_INVALID, "host must not be percent-encoded");
            }
            String ascii = toAscii(text).toLowerCase(Locale.ROOT);
            String name = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
            if (IpLiteral.endsInNumber(name)) {
                IpLiteral.V4 ip = IpLiteral.parseIpv4(name).orElseThrow(() -> refuse(InputRule.URL_HOST_INVALID,
                        "host " + ascii + " ends in a number but is not an IPv4 address"));
                return new Host(ip.uriHost(), ip.uriHost(), ip, false);
            }
            if (!isDnsName(name)) {
                throw refuse(InputRule.URL_HOST_INVALID, "host " + ascii
                        + " is not a DNS name (labels of 1 to 63 letters, digits and inner hyphens, 253 characters at most)");
            }
            return new Host(ascii, name, null, false);
        }

        private static Host bracketed(String text) {
            if (!text.endsWith("]") || text.length() < 3) {
                throw refuse(InputRule.URL_HOST_INVALID, "host " + text + " is not a bracketed IPv6 address");
            }
            String inner = text.substring(1, text.length() - 1);
            int percent = inner.indexOf('%');
            String address = percent < 0 ? inner : inner.substring(0, percent);
            if (percent >= 0 && !isZoneId(inner.substring(percent + 1))) {
                throw refuse(InputRule.URL_HOST_INVALID, "host " + text + " has an invalid zone id");
            }
            IpLiteral.V6 ip = IpLiteral.parseIpv6(address).orElseThrow(() -> refuse(InputRule.URL_HOST_INVALID,
                    "host " + text + " is not an IPv6 address"));
            return new Host(ip.uriHost(), ip.uriHost(), ip, percent >= 0);
        }

        /** RFC 6874 writes the zone as %25 plus unreserved characters; a bare % is common too. */
        private static boolean isZoneId(String zone) {
            if (zone.isEmpty()) {
                return false;
            }
            for (int i = 0; i < zone.length(); i++) {
                char c = zone.charAt(i);
                boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~';
                if (!unreserved) {
                    return false;
                }
            }
            return true;
        }

        /**
         * IDNA 2003 via java.net.IDN, which also folds full-width letters, digits and dots to ASCII
         * (so "１２７.０.０.１" is caught as loopback after this). Code points unassigned in its
         * Unicode 3.2 tables are allowed: they include every script and emoji added since, which
         * browsers accept.
         */
        private static String toAscii(String host) {
            for (int i = 0; i < host.length(); i++) {
                if (host.charAt(i) >= 0x80) {
                    try {
                        return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
                    } catch (IllegalArgumentException e) {
                        throw refuse(InputRule.URL_HOST_INVALID, "host is not a valid internationalized domain name");
                    }
                }
            }
            return host;
        }

        /** Lower-case LDH labels of 1 to 63 characters, no hyphen at either end, 253 characters in all. */
        private static boolean isDnsName(String name) {
            if (name.isEmpty() || name.length() > 253) {
                return false;
            }
            int labelStart = 0;
            for (int i = 0; i <= name.length(); i++) {
                if (i == name.length() || name.charAt(i) == '.') {
                    int length = i - labelStart;
                    if (length < 1 || length > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                        return false;
                    }
                    labelStart = i + 1;
                } else {
                    char c = name.charAt(i);
                    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
