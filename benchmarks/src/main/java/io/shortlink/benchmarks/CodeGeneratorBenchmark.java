package io.shortlink.benchmarks;

import io.shortlink.core.Click;
import io.shortlink.core.CodeGenerator;
import io.shortlink.core.ShortCode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The two random draws on the hot paths: a short code per created link
 * ({@link CodeGenerator#secure(int)}) and an event id per click ({@link Click#of}), each beside
 * the raw JDK source it could have used instead.
 *
 * <p>Run (from the project root):
 * <pre>
 * mvn -q -o -pl lib-core,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar -f 2 -wi 3 -i 5 -w 1s -r 1s -prof gc CodeGenerator
 * </pre>
 *
 * <p>Last printed on this machine kind (2-core VM, JDK 25.0.3, JMH 1.37, 2026-11-27, commit 6d836ba;
 * all runs in docs/perf/baseline.md), average time, ± the 99.9 % error JMH reports:
 * <pre>
 * what                                               time              allocated
 * CodeGenerator.secure(7).next()                     944 ± 163 ns      488 B/op
 *   baseline: SecureRandom.nextInt(62) x7 to char[]  957 ± 107 ns      424 B/op
 *   contrast: ThreadLocalRandom.nextInt(62) x7        32 ± 3 ns         32 B/op
 * Click.of(code, instant), UUIDv7 from TLR            17 ± 3 ns         56 B/op
 *   baseline: UUID.randomUUID()                      265 ± 16 ns       128 B/op
 * </pre>
 * The generator costs what its raw source costs, within the error (String and ShortCode are noise); nearly all of its
 * cost is {@code SecureRandom} (the default NativePRNG, ~110 ns a draw). That is the price of
 * codes that reveal nothing about their neighbours, paid once per created link. Per click,
 * {@code Click.of} is 15x cheaper than {@code UUID.randomUUID()}, which draws from the same
 * secure source; event ids need uniqueness, not secrecy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodeGeneratorBenchmark {
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private CodeGenerator generator = CodeGenerator.secure(CodeGenerator.DEFAULT_LENGTH);
    private SecureRandom secureRandom = new SecureRandom();
    private ShortCode code = new ShortCode("aB3xY9z");
    private Instant at = Instant.parse("2025-01-01T00:00:00Z");

    @Benchmark
    public ShortCode code_generatorSecure7() {
        return generator.next();
    }

    @Benchmark
    public char[] code_secureRandomBaseline() {
        char[] chars = new char[7];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = BASE62[secureRandom.nextInt(BASE62.length)];
        }
        return chars;
    }

    @Benchmark
    public char[] code_threadLocalRandomContrast() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] chars = new char[7];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = BASE62[random.nextInt(BASE62.length)];
        }
        return chars;
    }

    @Benchmark
    public Click eventId_clickOf() {
        return Click.of(code, at);
    }

    @Benchmark
    public UUID eventId_randomUuidBaseline() {
        return UUID.randomUUID();
    }
}
