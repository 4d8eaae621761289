package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

final class ShortCodeTest {
    private static final String LONGEST = "a".repeat(ShortCode.MAX_LENGTH);
    private static final String TOO_LONG = "a".repeat(ShortCode.MAX_LENGTH + 1);

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "abc123", "aB3xY9z", "my-link", "my_link", "-_-", "api"})
    void parse_accepts_1To64CharactersOfLettersDigitsUnderscoreAndHyphen(String segment) {
        assertEquals(segment, ShortCode.parse(segment).orElseThrow().value());
    }

    @Test
    void codes_areEqual_byTheirValue_caseSensitively() {
        ShortCode code = new ShortCode("aB3xY9z");

        assertEquals(code, new ShortCode(new String("aB3xY9z")));
        assertEquals(code.hashCode(), new ShortCode("aB3xY9z").hashCode());
        assertEquals("aB3xY9z".hashCode(), code.hashCode(), "the record's hash of its one component");
        assertNotEquals(code, new ShortCode("ab3xy9z"));
        assertNotEquals(code, "aB3xY9z");
        assertNotEquals(code, null);
    }

    @Test
    void parse_accepts_64Characters() {
        assertEquals(LONGEST, ShortCode.parse(LONGEST).orElseThrow().value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a.b", "a/b", "a b", "a%20b", "ab?", "ab#", "ü", "a~b", "favicon.ico"})
    void parse_isEmpty_forSegmentsThatCannotBeCodes(String segment) {
        assertTrue(ShortCode.parse(segment).isEmpty());
    }

    @Test
    void parse_isEmpty_forMoreThan64Characters() {
        assertTrue(ShortCode.parse(TOO_LONG).isEmpty());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a.b", "a b", "ü"})
    void constructor_refuses_valuesWithoutTheShapeOfACode(String value) {
        assertThrows(IllegalArgumentException.class, () -> new ShortCode(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcd", "my-link", "My_Link_2024", "0000"})
    void alias_accepts_4To64CharactersOfTheCodeAlphabet(String alias) {
        assertEquals(alias, ShortCode.alias(alias).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"admins", "my-admin", "stats2", "apis"})
    void alias_accepts_wordsThatOnlyContainAReservedWord(String alias) {
        assertEquals(alias, ShortCode.alias(alias).value());
    }

    @Test
    void alias_accepts_64Characters() {
        assertEquals(LONGEST, ShortCode.alias(LONGEST).value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a", "ab", "abc", "my.link", "my link", "my/link", "ali@s", "caf\u00e9", "emoji\ud83d\ude00"})
    void alias_refuses_tooShortOrBadCharacters_asInvalid(String alias) {
        assertRejected(alias, InputRule.ALIAS_INVALID);
    }

    @Test
    void alias_refuses_moreThan64Characters_asInvalid() {
        assertRejected(TOO_LONG, InputRule.ALIAS_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "API", "admin", "ADMIN", "Admin", "health", "metrics", "stats", "STATS", "status", "login",
            "logout", "signup", "static", "assets", "docs", "null", "NULL", "undefined", "well-known",
            "Well-Known", "observe", "shortlink", "ShortLink"})
    void alias_refuses_reservedWords_caseInsensitively(String alias) {
        assertRejected(alias, InputRule.ALIAS_RESERVED);
    }

    @Test
    void codes_areCaseSensitive() {
        ShortCode upper = ShortCode.alias("abcD");
        ShortCode lower = ShortCode.alias("abcd");

        assertNotEquals(upper, lower);
        assertNotEquals(0, upper.compareTo(lower));
        assertNotEquals(ShortCode.parse("ABC").orElseThrow(), ShortCode.parse("abc").orElseThrow());
    }

    @Test
    void codes_areEqual_byValue() {
        assertEquals(new ShortCode("abcD"), ShortCode.parse("abcD").orElseThrow());
        assertEquals("abcD", ShortCode.alias("abcD").toString());
    }

    private static void assertRejected(String alias, InputRule rule) {
        InputRejectedException e = assertThrows(InputRejectedException.class, () -> ShortCode.alias(alias));
        assertEquals(rule, e.rule(), e::detail);
    }
}
