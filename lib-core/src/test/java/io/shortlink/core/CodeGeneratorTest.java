package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class CodeGeneratorTest {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @ParameterizedTest
    @ValueSource(ints = {6, 7, 12, 64})
    void draws_codesOfTheConfiguredLength(int length) {
        CodeGenerator generator = CodeGenerator.secure(length);

        assertEquals(length, generator.length());
        assertEquals(length, generator.next().value().length());
    }

    @Test
    void defaultLength_isSeven() {
        assertEquals(7, CodeGenerator.DEFAULT_LENGTH);
    }

    @Test
    void draws_onlyBase62Characters_andEveryOneOfThem() {
        CodeGenerator generator = CodeGenerator.using(new SplittableRandom(7), 7);
        Set<Character> seen = new HashSet<>();

        for (int i = 0; i < 10_000; i++) {
            for (char c : generator.next().value().toCharArray()) {
                assertTrue(BASE62.indexOf(c) >= 0, () -> "not base62: " + c);
                seen.add(c);
            }
        }

        assertEquals(62, seen.size());
    }

    @Test
    void isCodeCharacter_holdsForBase62Only() {
        for (char c = 0; c < 256; c++) {
            assertEquals(BASE62.indexOf(c) >= 0, CodeGenerator.isCodeCharacter(c), "character " + (int) c);
        }
        assertEquals(false, CodeGenerator.isCodeCharacter('\u0660'), "a digit of another script");
    }

    @Test
    void draws_distinctCodes_over100kDraws() {
        CodeGenerator generator = CodeGenerator.using(new SplittableRandom(42), 7);
        Set<ShortCode> codes = new HashSet<>();

        for (int i = 0; i < 100_000; i++) {
            codes.add(generator.next());
        }

        assertEquals(100_000, codes.size());
    }

    @Test
    void draws_theSameCodes_fromTheSameSeed() {
        CodeGenerator first = CodeGenerator.using(new SplittableRandom(1), 7);
        CodeGenerator second = CodeGenerator.using(new SplittableRandom(1), 7);

        List<ShortCode> a = IntStream.range(0, 100).mapToObj(i -> first.next()).toList();
        List<ShortCode> b = IntStream.range(0, 100).mapToObj(i -> second.next()).toList();

        assertEquals(a, b);
    }

    @Test
    void draws_codesThatParse_asShortCodes() {
        ShortCode code = CodeGenerator.secure(7).next();

        assertEquals(code, ShortCode.parse(code.value()).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 5, 65, 1_000})
    void refuses_lengthsOutside6To64(int length) {
        assertThrows(IllegalArgumentException.class, () -> CodeGenerator.secure(length));
        assertThrows(IllegalArgumentException.class, () -> CodeGenerator.using(new SplittableRandom(), length));
    }
}
