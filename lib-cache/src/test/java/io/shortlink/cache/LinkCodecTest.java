package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class LinkCodecTest {
    private static final ShortCode CODE = new ShortCode("aB3dE7x");
    private static final Instant CREATED = Instant.parse("2025-06-01T12:00:00.123456789Z");
    private static final Link ACTIVE = Link.created(CODE, "https://example.com/a?b=c", CREATED, Optional.empty());

    @Test
    void aLink_roundTrips() {
        assertRoundTrips(ACTIVE);
    }

    @Test
    void aLinkWithExpiryAndDeletion_roundTrips() {
        assertRoundTrips(new Link(CODE, "https://example.com/a", CREATED,
                CREATED.plusSeconds(3600), Instant.parse("2025-06-01T12:30:00Z")));
    }

    @Test
    void aLinkWithOnlyADeletion_roundTrips() {
        assertRoundTrips(ACTIVE.deleted(CREATED.plusMillis(1)));
    }

    @Test
    void instantsBeforeTheEpochAndAtTheLimits_roundTrip() {
        assertRoundTrips(new Link(CODE, "https://example.com/", Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.MAX, Instant.MIN));
    }

    @Test
    void aUrlBeyondAscii_roundTrips() {
        assertRoundTrips(Link.created(CODE, "https://example.com/ü/中文", CREATED, Optional.empty()));
    }

    @Test
    void aLinkWithAHundredCharacterUrl_takes121Bytes() {
        Link link = Link.created(CODE, "https://example.com/" + "a".repeat(80), Instant.parse("2025-06-01T12:00:00.123Z"),
                Optional.empty());

        // 3 (version, kind, flags) + 1 + 7 (code) + 1 + 100 (url) + 5 + 4 (second, nanosecond)
        assertEquals(121, LinkCodec.encode(new Lookup.Found(link)).length);
    }

    @Test
    void anAbsence_isTwoBytes_andRoundTrips() {
        byte[] value = LinkCodec.encode(Lookup.Absent.INSTANCE);

        assertEquals(2, value.length);
        assertEquals(Lookup.Absent.INSTANCE, LinkCodec.decode(value, CODE));
    }

    @Test
    void aTombstone_isRecognised_andIsNeitherALinkNorAnAbsence() {
        assertTrue(LinkCodec.isTombstone(LinkCodec.tombstone()));
        assertFalse(LinkCodec.isTombstone(LinkCodec.encode(Lookup.Absent.INSTANCE)));
        assertFalse(LinkCodec.isTombstone(encoded(ACTIVE)));
        assertDamaged(LinkCodec.tombstone(), "unknown kind 3");
    }

    @Test
    void aFailedLoad_isNeverEncoded() {
        assertThrows(IllegalArgumentException.class,
                () -> LinkCodec.encode(new Lookup.Failed(new RuntimeException("down"))));
    }

    @ParameterizedTest(name = "byte {0} set to {1}: {2}")
    @CsvSource({"0, 2, unknown layout version 2", "2, 4, unknown flags 4"})
    void decode_refusesAVersionOrFlagsNoLayoutHas(int index, byte changed, String message) {
        byte[] value = encoded(ACTIVE);
        value[index] = changed;

        assertDamaged(value, message);
    }

    @Test
    void decode_refusesAnUnknownKind() {
        assertDamaged(new byte[] {LinkCodec.VERSION, 9}, "unknown kind 9");
    }

    @Test
    void decode_refusesAnEmptyValue() {
        assertDamaged(new byte[0], "value ends before version (0 bytes)");
    }

    @Test
    void decode_refusesEveryTruncationOfALink() {
        byte[] value = encoded(new Link(CODE, "https://example.com/", CREATED, CREATED.plusSeconds(1), CREATED));
        for (int length = 0; length < value.length; length++) {
            byte[] truncated = Arrays.copyOf(value, length);
            assertThrows(IllegalArgumentException.class, () -> LinkCodec.decode(truncated, CODE),
                    "accepted " + length + " of " + value.length + " bytes");
        }
    }

    @Test
    void decode_refusesBytesAfterTheEnd() {
        byte[] value = encoded(ACTIVE);

        assertDamaged(Arrays.copyOf(value, value.length + 1), "1 bytes after the end of the value");
    }

    @Test
    void decode_refusesALinkOfAnotherCode() {
        assertDamaged(encoded(ACTIVE), new ShortCode("other"), "value of code 'aB3dE7x' under the key of 'other'");
    }

    @Test
    void decode_refusesALengthBeyondTheValue() {
        byte[] value = encoded(ACTIVE);
        value[3] = 100; // the code's length

        assertDamaged(value, "code length 100 beyond the value's end (" + (value.length - 4) + " bytes left)");
    }

    @Test
    void decode_refusesAnOverlongVarint() {
        byte[] value = {LinkCodec.VERSION, 1, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};

        assertDamaged(value, "code length is longer than 5 bytes");
    }

    @Test
    void decode_refusesMalformedUtf8InTheUrl() {
        byte[] value = encoded(Link.created(CODE, "https://example.com/üü", CREATED, Optional.empty()));
        int at = indexOf(value, "ü".getBytes(StandardCharsets.UTF_8));
        value[at + 1] = (byte) 0x41; // a lead byte followed by no continuation byte

        assertDamaged(value, "url is not UTF-8");
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000_000, Integer.MAX_VALUE})
    void decode_refusesNanosecondsBeyondASecond(int nanos) {
        byte[] value = encoded(Link.created(CODE, "u", Instant.ofEpochSecond(1, 999_999_999), Optional.empty()));
        // createdAt is last: second 1 (zigzag 2), then the nanoseconds as a varint.
        byte[] head = Arrays.copyOf(value, value.length - 5);
        byte[] nano = varint(nanos);
        byte[] damaged = Arrays.copyOf(head, head.length + nano.length);
        System.arraycopy(nano, 0, damaged, head.length, nano.length);

        assertDamaged(damaged, "createdAt has " + nanos + " nanoseconds");
    }

    private static void assertRoundTrips(Link link) {
        assertEquals(new Lookup.Found(link), LinkCodec.decode(encoded(link), link.code()));
    }

    private static byte[] encoded(Link link) {
        return LinkCodec.encode(new Lookup.Found(link));
    }

    private static void assertDamaged(byte[] value, String reason) {
        assertDamaged(value, CODE, reason);
    }

    private static void assertDamaged(byte[] value, ShortCode code, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkCodec.decode(value, code));
        assertEquals(reason, e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static byte[] varint(long value) {
        byte[] out = new byte[10];
        int n = 0;
        while ((value & ~0x7FL) != 0) {
            out[n++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[n++] = (byte) value;
        return Arrays.copyOf(out, n);
    }
}
