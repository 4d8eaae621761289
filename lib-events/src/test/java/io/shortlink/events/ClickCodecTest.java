package io.shortlink.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shortlink.core.Click;
import io.shortlink.core.ShortCode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ClickCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ShortCode CODE = new ShortCode("aB3dE7x");
    private static final Click CLICK = new Click(
            new UUID(0x0189_0A5D_AC96_774BL, 0xBCCE_B302_099A_8057L),
            CODE,
            Instant.parse("2025-06-01T12:00:00.123Z"));

    /** {@link #CLICK} in version 1, written out by hand from the layout in ClickCodec's Javadoc. */
    private static final String GOLDEN_V1 = "01"         // version
            + "01890a5dac96774b"                            // event id, most significant bits
            + "bcceb302099a8057"                            // event id, least significant bits
            + "000001972b5cee7b"                            // 1748779200123 ms = 2025-06-01T12:00:00.123Z
            + "07"                                          // code length
            + "61423364453778";                             // "aB3dE7x"

    @Test
    void encode_writesTheVersion1Layout() {
        assertEquals(GOLDEN_V1, HEX.formatHex(ClickCodec.encode(CLICK)));
    }

    @Test
    void decode_readsTheVersion1Layout() {
        assertEquals(CLICK, ClickCodec.decode(HEX.parseHex(GOLDEN_V1)));
    }

    @Test
    void encodeKey_isTheCodesAsciiBytes() {
        assertArrayEquals(new byte[] {'a', 'B', '3', 'd', 'E', '7', 'x'}, ClickCodec.encodeKey(CODE));
    }

    @Test
    void roundTrip_keepsEventIdCodeAndTime_ofAFreshClick() {
        Click click = Click.of(new ShortCode("my-alias_01"), Instant.parse("2030-01-01T00:00:00.999Z"));

        assertEquals(click, ClickCodec.decode(ClickCodec.encode(click)));
    }

    @Test
    void roundTrip_truncatesTheTime_toMilliseconds() {
        Click click = new Click(CLICK.eventId(), CODE, Instant.parse("2025-06-01T12:00:00.123456789Z"));

        Click decoded = ClickCodec.decode(ClickCodec.encode(click));

        assertEquals(Instant.parse("2025-06-01T12:00:00.123Z"), decoded.at());
    }

    @Test
    void roundTrip_truncatesTowardsThePast_beforeTheEpoch() {
        Instant at = Instant.parse("1969-12-31T23:59:59.999999Z");
        Click click = new Click(CLICK.eventId(), CODE, at);

        assertEquals(at.truncatedTo(ChronoUnit.MILLIS), ClickCodec.decode(ClickCodec.encode(click)).at());
    }

    @Test
    void roundTrip_ofTheLongestCode_fillsTheLargestValue() {
        Click click = new Click(CLICK.eventId(), new ShortCode("x".repeat(ShortCode.MAX_LENGTH)), CLICK.at());

        byte[] value = ClickCodec.encode(click);

        assertEquals(90, value.length);
        assertEquals(click, ClickCodec.decode(value));
    }

    @Test
    void encode_refusesATime_outsideEpochMilliseconds() {
        Click click = new Click(CLICK.eventId(), CODE, Instant.MAX);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClickCodec.encode(click));
        assertEquals("click time " + Instant.MAX + " does not fit epoch milliseconds", e.getMessage());
    }

    @Test
    void decode_refusesAnEmptyValue() {
        assertRefused("click value is empty", new byte[0]);
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 2, (byte) 0xFF})
    void decode_refusesAnUnknownVersion(byte version) {
        byte[] value = withByte(golden(), 0, version);

        assertRefused("click value has unknown version " + Byte.toUnsignedInt(version)
                + ", this reader knows version 1", value);
    }

    @Test
    void decode_refusesATruncatedHeader() {
        assertRefused("click value is truncated: 25 bytes, version 1 has a 26-byte header",
                Arrays.copyOf(golden(), 25));
    }

    @Test
    void decode_refusesATruncatedCode() {
        assertRefused("click value is truncated: code length 7 but 6 code bytes",
                Arrays.copyOf(golden(), golden().length - 1));
    }

    @Test
    void decode_refusesBytesAfterTheCode() {
        assertRefused("click value is oversized: 1 bytes after the code", Arrays.copyOf(golden(), golden().length + 1));
    }

    @Test
    void decode_refusesAValueLongerThanVersion1Allows() {
        assertRefused("click value is oversized: 91 bytes, version 1 has at most 90", Arrays.copyOf(golden(), 91));
    }

    @Test
    void decode_refusesCodeLengthZero() {
        byte[] value = withByte(Arrays.copyOf(golden(), 26), 25, 0);

        assertRefused("click value has code length 0, a short code has 1..64", value);
    }

    @Test
    void decode_refusesA65CharacterCode_asOversized() {
        byte[] value = withByte(Arrays.copyOf(golden(), 26 + 65), 25, 65);

        assertRefused("click value is oversized: 91 bytes, version 1 has at most 90", value);
    }

    @Test
    void decode_refusesADeclaredCodeLengthAboveTheLongestCode_evenWhenTheValueIsShort() {
        byte[] value = withByte(golden(), 25, 200);

        assertRefused("click value has code length 200, a short code has 1..64", value);
    }

    @Test
    void decode_refusesACodeWithACharacterNoCodeHas() {
        byte[] value = withByte(golden(), 26, '/');

        assertRefused("click value's code '/B3dE7x' is not a short code ([A-Za-z0-9_-])", value);
    }

    @Test
    void decode_refusesACodeWithANonAsciiByte() {
        byte[] value = withByte(golden(), 27, 0xC3);

        assertRefused("click value's code has a non-ASCII byte at offset 27", value);
    }

    private static byte[] golden() {
        return HEX.parseHex(GOLDEN_V1);
    }

    /** {@code value} with the byte at {@code offset} set to {@code b}. */
    private static byte[] withByte(byte[] value, int offset, int b) {
        value[offset] = (byte) b;
        return value;
    }

    private static void assertRefused(String message, byte[] value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClickCodec.decode(value));
        assertEquals(message, e.getMessage());
    }
}
