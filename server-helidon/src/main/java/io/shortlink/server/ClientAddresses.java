package io.shortlink.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a request comes from, for rate limits and the enumeration guard: the socket's peer, unless
 * that peer is a configured trusted proxy — then the last address in {@code X-Forwarded-For} that
 * is not a trusted proxy (the one the nearest trusted proxy saw). Never a header alone: a client can
 * write any {@code X-Forwarded-For} it likes, so only hops added by proxies we trust are believed.
 *
 * <p>IPv6 clients are grouped by their /64, the block one subscriber usually holds: otherwise a
 * single host could rotate through 2^64 addresses and escape every per-client limit.
 */
final class ClientAddresses {
    static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");

    private final List<Cidr> trusted;

    private ClientAddresses(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /**
     * @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}) of the proxies
     *                       in front of this server; empty: the socket's peer is the client
     * @throws IllegalArgumentException naming the entry that is not an address or block
     */
    static ClientAddresses trusting(List<String> trustedProxies) {
        return new ClientAddresses(trustedProxies.stream().map(Cidr::parse).toList());
    }

    /** The client's key: an IPv4 address, or an IPv6 /64 written {@code 2001:db8:1:2::/64}. */
    String of(ServerRequest req) {
        return of(req.remotePeer().address(), () -> req.headers().all(X_FORWARDED_FOR, List::of));
    }

    /**
     * {@link #of(ServerRequest)} from the socket's peer and the request's {@code X-Forwarded-For}
     * lines (read only when the peer is a trusted proxy).
     */
    String of(SocketAddress socketPeer, Supplier<List<String>> forwardedFor) {
        InetAddress peer = socketPeer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (peer == null) {
            return "unknown";
        }
        if (!trusted.isEmpty() && isTrusted(peer)) {
            List<String> hops = forwardedFor.get().stream()
                    .flatMap(h -> Arrays.stream(h.split(",")))
                    .map(String::strip)
                    .toList();
            // From the nearest hop outwards: the first one not ours is the client as our proxy saw it.
            for (int i = hops.size() - 1; i >= 0; i--) {
                Optional<InetAddress> hop = literal(hops.get(i));
                if (hop.isEmpty()) {
                    break; // a hop we cannot read: stop believing the header here
                }
                if (!isTrusted(hop.get())) {
                    return key(hop.get());
                }
                peer = hop.get();
            }
        }
        return key(peer);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static String key(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] block = Arrays.copyOf(v6.getAddress(), 16);
            Arrays.fill(block, 8, 16, (byte) 0);
            try {
                return TRAILING_ZEROS.matcher(InetAddress.getByAddress(block).getHostAddress()).replaceFirst("::") + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // 16 bytes are always an address
            }
        }
        return address.getHostAddress();
    }

    /** The zero groups that end an address with its last 64 bits cleared ({@code 2001:db8:0:0:0:0:0:0}). */
    private static final Pattern TRAILING_ZEROS = Pattern.compile("(:0)+$");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * An IP literal, or empty. Checked by pattern before {@link InetAddress#getByName}, which then
     * parses it without a name lookup (a header must never make us query DNS).
     */
    private static Optional<InetAddress> literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        Matcher v4 = IPV4.matcher(bare);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return Optional.empty();
                }
            }
        } else if (!IPV6.matcher(bare).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An address block. */
    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            String[] parts = text.strip().split("/", 2);
            InetAddress address = literal(parts[0]).orElseThrow(() -> new IllegalArgumentException(
                    "shortlink.limits.trusted-proxies: '" + text + "' is not an IP address or CIDR block"));
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = parts.length == 1 ? max : Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("shortlink.limits.trusted-proxies: '" + text
                        + "' has a prefix length outside 0.." + max);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest);
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
