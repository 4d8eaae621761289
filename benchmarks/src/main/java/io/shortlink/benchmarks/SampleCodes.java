package io.shortlink.benchmarks;

import io.shortlink.core.CodeGenerator;
import io.shortlink.core.ShortCode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/** The short codes the click-path benchmarks draw from: the same codes in every run and fork. */
final class SampleCodes {
    /** The key space of the project's click target: clicks uniform over 100,000 codes. */
    static final int UNIFORM = 100_000;

    private SampleCodes() {
    }

    /**
     * {@code n} distinct 7-character codes, drawn from a fixed seed and sorted by
     * {@link ShortCode#compareTo}, so that ascending indices give codes in the order a ledger
     * writes them.
     */
    static ShortCode[] sorted(int n) {
        CodeGenerator generator = CodeGenerator.using(new SplittableRandom(20261127L), CodeGenerator.DEFAULT_LENGTH);
        Set<ShortCode> seen = new HashSet<>(n * 4 / 3 + 1);
        ShortCode[] codes = new ShortCode[n];
        for (int i = 0; i < n; ) {
            ShortCode code = generator.next();
            if (seen.add(code)) {
                codes[i++] = code;
            }
        }
        Arrays.sort(codes);
        return codes;
    }
}
