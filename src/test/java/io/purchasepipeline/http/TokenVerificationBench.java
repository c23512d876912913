package io.purchasepipeline.http;

import io.purchasepipeline.serdes.JsonSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What verifying a customer's token costs per request, on one thread: RS256 (2048-bit) and ES256,
 * through the same verifier the routes use (parse, signature, claims, subject, role). Run with
 * {@code bench/token-verification}; writes {@code bench/results/token-verification-latest.json}.
 */
@Tag("bench")
class TokenVerificationBench {

    private static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);
    private static final int SAMPLES = Integer.getInteger("bench.samples", 50_000);

    @Test
    void measure() throws Exception {
        final TestTokens provider = TestTokens.generate("bench");
        final CustomerTokens verifier = provider.verifier();
        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", Instant.now().toString());
        results.put(
                "machine",
                Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + ", Java "
                        + System.getProperty("java.version"));
        results.put("samples", SAMPLES);
        results.put("rs256_us_per_request", microsPerVerify(verifier, "Bearer " + provider.rs256("alice")));
        results.put("es256_us_per_request", microsPerVerify(verifier, "Bearer " + provider.es256("alice")));
        final Path out = Path.of("bench", "results", "token-verification-latest.json");
        Files.createDirectories(out.getParent());
        JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
        System.out.println("Token verification: " + JsonSerde.MAPPER.writeValueAsString(results));
    }

    private static double microsPerVerify(final CustomerTokens verifier, final String authorization) {
        int admins = 0;
        for (int i = 0; i < WARMUP; i++) {
            admins += verifier.verify(authorization).admin() ? 1 : 0;
        }
        final long started = System.nanoTime();
        for (int i = 0; i < SAMPLES; i++) {
            admins += verifier.verify(authorization).admin() ? 1 : 0;
        }
        final long took = System.nanoTime() - started;
        if (admins != 0) {
            throw new AssertionError("the bench's token has no admin role");
        }
        return Math.round(took / 1e3 / SAMPLES * 10) / 10.0;
    }
}
