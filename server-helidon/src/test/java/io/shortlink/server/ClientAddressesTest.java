package io.shortlink.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who a request comes from: the socket's peer, or what trusted proxies say — never a header alone. */
final class ClientAddressesTest {
    private static InetSocketAddress peer(String address) {
        return new InetSocketAddress(address, 40000);
    }

    @Test
    void withNoTrustedProxy_theSocketsPeerIsTheClient_andForwardedForIsNotEvenRead() {
        ClientAddresses clients = ClientAddresses.trusting(List.of());

        assertEquals("198.51.100.7", clients.of(peer("198.51.100.7"), () -> {
            throw new AssertionError("X-Forwarded-For read with no trusted proxy");
        }));
    }

    @Test
    void aTrustedProxysRequest_comesFromTheLastHopThatIsNotTrusted() {
        ClientAddresses clients = ClientAddresses.trusting(List.of("10.0.0.0/8", "127.0.0.1"));

        assertEquals("203.0.113.9", clients.of(peer("127.0.0.1"), () -> List.of("203.0.113.9")));
        assertEquals("203.0.113.9", clients.of(peer("10.1.2.3"),
                () -> List.of("6.6.6.6, 203.0.113.9", "10.9.9.9")), "a forged first hop is not believed");
        assertEquals("10.0.0.1", clients.of(peer("127.0.0.1"), () -> List.of("10.0.0.1, 10.2.2.2")),
                "every hop trusted: the farthest one");
        assertEquals("127.0.0.1", clients.of(peer("127.0.0.1"), List::of), "no header: the proxy itself");
    }

    @Test
    void anUntrustedPeer_isTheClient_whateverItForwards() {
        ClientAddresses clients = ClientAddresses.trusting(List.of("10.0.0.0/8"));

        assertEquals("198.51.100.7", clients.of(peer("198.51.100.7"), () -> List.of("10.0.0.1")));
    }

    @Test
    void anUnreadableHop_stopsTheWalkThere() {
        ClientAddresses clients = ClientAddresses.trusting(List.of("127.0.0.1"));

        assertEquals("127.0.0.1", clients.of(peer("127.0.0.1"), () -> List.of("203.0.113.9, evil.example")));
        assertEquals("2001:db8::/64", clients.of(peer("127.0.0.1"), () -> List.of("[2001:db8::1]")));
    }

    @Test
    void ipv6Clients_areGroupedByTheirSlash64() {
        ClientAddresses clients = ClientAddresses.trusting(List.of());

        assertEquals("2001:db8:1:2::/64", clients.of(peer("2001:db8:1:2:aaaa::1"), List::of));
        assertEquals("2001:db8:1:2::/64", clients.of(peer("2001:db8:1:2:bbbb::2"), List::of));
    }

    @Test
    void aTrustedProxyEntryThatIsNoAddress_failsAtStartNamingIt() {
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/x")) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> ClientAddresses.trusting(List.of(bad))).getMessage();
            assertTrue(message.contains("'" + bad + "'") && message.contains("trusted-proxies"), message);
        }
    }
}
