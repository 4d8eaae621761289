package io.shortlink.core;

import java.util.List;
import java.util.Optional;

/**
 * An IP address written as a URL host, read the way a browser reads it (the host parser of the
 * WHATWG URL standard), so that the policy judges the address a browser would connect to and not
 * the spelling it was given: {@code 127.1}, {@code 0x7f.0.0.1}, {@code 2130706433} and
 * {@code [::ffff:7f00:1]} are all the loopback address.
 */
sealed interface IpLiteral permits IpLiteral.V4, IpLiteral.V6 {

    /** False when the address is loopback, private, link-local, multicast or otherwise not routed publicly. */
    boolean isPublic();

    /** The address as a URL host: dotted decimal, or the shortest IPv6 text in brackets. */
    String uriHost();

    /**
     * Whether a host name is an IPv4 attempt: its last label is all digits or a {@code 0x} number.
     * Browsers send such a host to the IPv4 parser, never to DNS, so we must judge it as an
     * address too. The caller removes one trailing dot first.
     */
    static boolean endsInNumber(String host) {
        int start = host.lastIndexOf('.') + 1;
        int end = host.length();
        if (start == end) {
            return false;
        }
        if (allDigits(host, start, end, 10)) {
            return true;
        }
        return end - start >= 2 && host.charAt(start) == '0' && (host.charAt(start + 1) | 0x20) == 'x'
                && allDigits(host, start + 2, end, 16);
    }

    /**
     * Reads an IPv4 address in every spelling inet_aton and browsers accept: one to four
     * dot-separated numbers, each decimal, octal (leading 0) or hex (leading 0x); the last number
     * fills all the bytes that remain. Empty when the text is no such address (e.g. 256.1.1.1).
     */
    static Optional<V4> parseIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = ipv4Number(parts[i]);
            if (numbers[i] < 0) {
                return Optional.empty();
            }
        }
        int last = parts.length - 1;
        long address = 0;
        for (int i = 0; i < last; i++) {
            if (numbers[i] > 255) {
                return Optional.empty();
            }
            address |= numbers[i] << (8 * (3 - i));
        }
        if (numbers[last] >= 1L << (8 * (4 - last))) {
            return Optional.empty();
        }
        return Optional.of(new V4((int) (address | numbers[last])));
    }

    /**
     * Reads the text between the brackets of an IPv6 host (without a zone id): eight groups of one
     * to four hex digits, or fewer around one {@code ::} that stands for at least one zero group;
     * the last two groups may be written as a dotted-decimal IPv4 address.
     */
    static Optional<V6> parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        int[] head = ipv6Groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        int[] tail = ipv6Groups(gap < 0 ? "" : text.substring(gap + 2), true);
        if (head == null || tail == null) {
            return Optional.empty();
        }
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return Optional.empty();
        }
        int[] groups = new int[8];
        System.arraycopy(head, 0, groups, 0, head.length);
        System.arraycopy(tail, 0, groups, 8 - tail.length, tail.length);
        long high = 0;
        long low = 0;
        for (int g = 0; g < 4; g++) {
            high = (high << 16) | groups[g];
            low = (low << 16) | groups[g + 4];
        }
        return Optional.of(new V6(high, low));
    }

    /** An IPv4 address as a 32-bit number. */
    record V4(int bits) implements IpLiteral {

        /**
         * Blocks that are not reachable on the public internet: the ranges of RFC 6890 a browser
         * on a user's machine would reach inside that user's own network, or that reach nothing.
         */
        private static final List<Block> NOT_PUBLIC = List.of(
                Block.of("0.0.0.0/8"),        // "this network"; 0.0.0.0 reaches the local host on many systems
                Block.of("10.0.0.0/8"),       // private
                Block.of("100.64.0.0/10"),    // carrier-grade NAT
                Block.of("127.0.0.0/8"),      // loopback
                Block.of("169.254.0.0/16"),   // link-local, includes cloud metadata 169.254.169.254
                Block.of("172.16.0.0/12"),    // private
                Block.of("192.0.0.0/24"),     // IETF protocol assignments, not forwarded
                Block.of("192.168.0.0/16"),   // private
                Block.of("198.18.0.0/15"),    // benchmarking, used by proxies as fake-ip space
                Block.of("224.0.0.0/4"),      // multicast
                Block.of("240.0.0.0/4"));     // reserved, and 255.255.255.255 broadcast

        @Override
        public boolean isPublic() {
            for (Block block : NOT_PUBLIC) {
                if (block.contains(bits)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String uriHost() {
            return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
        }

        private record Block(int base, int mask) {
            static Block of(String cidr) {
                int slash = cidr.indexOf('/');
                int base = parseIpv4(cidr.substring(0, slash)).orElseThrow().bits();
                int prefix = Integer.parseInt(cidr.substring(slash + 1));
                return new Block(base, -1 << (32 - prefix));
            }

            boolean contains(int address) {
                return (address & mask) == base;
            }
        }
    }

    /** An IPv6 address as its upper and lower 64 bits. */
    record V6(long high, long low) implements IpLiteral {

        @Override
        public boolean isPublic() {
            long upper32OfLow = low >>> 32;
            if (high == 0 && (upper32OfLow == 0 || upper32OfLow == 0xFFFFL || upper32OfLow == 0xFFFF_0000L)) {
                // IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d and SIIT ::ffff:0:a.b.c.d all
                // reach the IPv4 address; :: and ::1 fall in here too, as 0.0.0.0 and 0.0.0.1.
                return lastFourBytes().isPublic();
            }
            if (high == 0x0064_FF9B_0000_0000L && upper32OfLow == 0) {
                // NAT64 64:ff9b::/96: the gateway connects to the embedded IPv4 address.
                return lastFourBytes().isPublic();
            }
            if ((high >>> 16) == 0x0064_FF9B_0001L) {
                // Local-use NAT64 64:ff9b:1::/48 (RFC 8215) translates into the operator's own network.
                return false;
            }
            int first = group(0);
            if (first == 0x2002) {
                // 6to4 2002:aabb:ccdd::/48 tunnels to the IPv4 address aa.bb.cc.dd.
                return new V4((int) (high >>> 16)).isPublic();
            }
            boolean uniqueLocal = (first & 0xFE00) == 0xFC00;     // fc00::/7
            boolean linkLocal = (first & 0xFFC0) == 0xFE80;       // fe80::/10
            boolean siteLocal = (first & 0xFFC0) == 0xFEC0;       // fec0::/10, the private range before fc00::/7
            boolean multicast = (first & 0xFF00) == 0xFF00;       // ff00::/8
            return !(uniqueLocal || linkLocal || siteLocal || multicast);
        }

        /** The WHATWG serialization: lower-case hex, the first longest run of two or more zero groups as "::". */
        @Override
        public String uriHost() {
            int runStart = -1;
            int runLength = 1;
            for (int g = 0; g < 8; ) {
                int end = g;
                while (end < 8 && group(end) == 0) {
                    end++;
                }
                if (end - g > runLength) {
                    runStart = g;
                    runLength = end - g;
                }
                g = end == g ? g + 1 : end;
            }
            StringBuilder text = new StringBuilder(41).append('[');
            for (int g = 0; g < 8; g++) {
                if (g == runStart) {
                    text.append(g == 0 ? "::" : ":");
                    g += runLength - 1;
                    continue;
                }
                text.append(Integer.toHexString(group(g)));
                if (g < 7) {
                    text.append(':');
                }
            }
            return text.append(']').toString();
        }

        private int group(int index) {
            long half = index < 4 ? high : low;
            return (int) (half >>> (16 * (3 - (index & 3)))) & 0xFFFF;
        }

        private V4 lastFourBytes() {
            return new V4((int) low);
        }
    }

    private static boolean allDigits(String s, int start, int end, int radix) {
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /** One part of an IPv4 address, or -1 when it is not a number or is larger than 32 bits. */
    private static long ipv4Number(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        int radix = 10;
        int start = 0;
        if (part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) | 0x20) == 'x') {
            radix = 16;
            start = 2;
        } else if (part.length() >= 2 && part.charAt(0) == '0') {
            radix = 8;
            start = 1;
        }
        long value = 0;
        for (int i = start; i < part.length(); i++) {
            char c = part.charAt(i);
            int digit = c < 0x80 ? Character.digit(c, radix) : -1;
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
            if (value > 0xFFFF_FFFFL) {
                return -1;
            }
        }
        return value;
    }

    /**
     * The colon-separated groups of one side of a {@code ::}, or null when malformed. Only the
     * rightmost side may end in a dotted quad, which counts as two groups.
     */
    private static int[] ipv6Groups(String side, boolean rightmost) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        String last = parts[parts.length - 1];
        boolean endsInIpv4 = rightmost && last.indexOf('.') >= 0;
        int[] groups = new int[parts.length + (endsInIpv4 ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (endsInIpv4 && i == parts.length - 1) {
                long quad = dottedQuad(part);
                if (quad < 0) {
                    return null;
                }
                groups[i] = (int) (quad >>> 16);
                groups[i + 1] = (int) (quad & 0xFFFF);
            } else if (part.isEmpty() || part.length() > 4 || !allDigits(part, 0, part.length(), 16)) {
                return null;
            } else {
                groups[i] = Integer.parseInt(part, 16);
            }
        }
        return groups;
    }

    /**
     * A strict dotted quad as browsers require it inside IPv6 (four decimal numbers, no leading
     * zeros), or -1 when it is not one.
     */
    private static long dottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !allDigits(part, 0, part.length(), 10)) {
                return -1;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return -1;
            }
            address = address << 8 | value;
        }
        return address;
    }
}
