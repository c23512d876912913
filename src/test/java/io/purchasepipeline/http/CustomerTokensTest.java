package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomerTokensTest {

    private static final TestTokens PROVIDER = TestTokens.generate("shop");
    private static final TestTokens STRANGER = TestTokens.generate("stranger");
    private static final CustomerTokens VERIFIER = PROVIDER.verifier();

    @Test
    void theCallerIsTheSubjectOfAnRs256OrEs256Token() {
        assertThat(VERIFIER.verify("Bearer " + PROVIDER.rs256("alice")))
                .isEqualTo(new CustomerTokens.Caller("alice", false));
        assertThat(VERIFIER.verify("bearer " + PROVIDER.es256("bob")))
                .isEqualTo(new CustomerTokens.Caller("bob", false));
        assertThat(VERIFIER.required()).isTrue();
        assertThat(CustomerTokens.off().required()).isFalse();
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
        final Instant now = Instant.now();
        final String token = PROVIDER.rs256(TestTokens.claims("alice")
                .expirationTime(Date.from(now.minusSeconds(10)))
                .build());

        assertThat(VERIFIER.verify("Bearer " + token).subject()).isEqualTo("alice");
    }

    @Test
    void everyBadTokenIs401InvalidTokenInOurOwnWords() throws Exception {
        final Instant now = Instant.now();
        final Map<String, String> expected = new LinkedHashMap<>();
        expected.put("not-a-jwt", "the token is not a JWT");
        expected.put("a.b.c", "the token is not a JWT");
        expected.put(sameKeyIdOtherKey(), "the token's signature does not verify with a configured key");
        expected.put(tampered(), "the token's signature does not verify with a configured key");
        expected.put(STRANGER.rs256("mallory"), "the token is not signed RS256 or ES256 with a configured key");
        expected.put(STRANGER.es256("mallory"), "the token is not signed RS256 or ES256 with a configured key");
        expected.put(hs256("mallory"), "the token is not signed RS256 or ES256 with a configured key");
        expected.put(new PlainJWT(TestTokens.claims("mallory").build()).serialize(), "the token is not accepted");
        expected.put(
                PROVIDER.rs256(TestTokens.claims("mallory")
                        .expirationTime(Date.from(now.minus(Duration.ofMinutes(2))))
                        .build()),
                "the token has expired");
        expected.put(
                PROVIDER.es256(TestTokens.claims("mallory")
                        .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(2))))
                        .build()),
                "the token is not valid yet");
        expected.put(
                PROVIDER.rs256(
                        TestTokens.claims("mallory").audience("evil-audience").build()),
                "the token is not for this audience");
        expected.put(
                PROVIDER.rs256(
                        TestTokens.claims("mallory").audience((String) null).build()),
                "the token is not for this audience");
        expected.put(
                PROVIDER.rs256(TestTokens.claims("mallory")
                        .issuer("https://evil-issuer.test")
                        .build()),
                "the token is not from the accepted issuer");
        expected.put(
                PROVIDER.rs256(TestTokens.claims("mallory").issuer(null).build()),
                "the token lacks a required claim (sub, exp, or the configured iss)");
        expected.put(
                PROVIDER.rs256(TestTokens.claims("mallory").expirationTime(null).build()),
                "the token lacks a required claim (sub, exp, or the configured iss)");
        expected.put(
                PROVIDER.rs256(TestTokens.claims(null).build()),
                "the token lacks a required claim (sub, exp, or the configured iss)");
        expected.put(
                PROVIDER.rs256("auth0|mallory"),
                "the token's subject is not a customer id (1 to 64 letters, digits or ._:@-)");

        expected.forEach((token, reason) -> assertThatThrownBy(() -> VERIFIER.verify("Bearer " + token))
                .as(reason)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.details()).containsExactly(reason);
                    assertThat(e.challenge())
                            .isEqualTo("Bearer realm=\"purchase-pipeline\", error=\"invalid_token\", "
                                    + "error_description=\"" + reason + "\"");
                    assertNothingOf(token, e);
                }));
    }

    @Test
    void noBearerTokenAtAllIs401WithoutAnErrorCode() {
        for (final String header :
                new String[] {null, "", "Bearer", "Bearer   ", "Basic YWxpY2U6c2VjcmV0", PROVIDER.rs256("alice")}) {
            assertThatThrownBy(() -> VERIFIER.verify(header))
                    .as("Authorization: %s", header)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        // RFC 6750 3.1: a request without credentials gets the challenge but no error code
                        assertThat(e.challenge()).isEqualTo("Bearer realm=\"purchase-pipeline\"");
                        assertThat(e.details()).containsExactly("this route needs Authorization: Bearer <token>");
                    });
        }
    }

    @Test
    void withoutIssuerAndAudienceConfiguredAnyAreAccepted() {
        final CustomerTokens lenient = CustomerTokens.of(PROVIDER.publicKeys(), null, " ", null);
        final String token = PROVIDER.es256(
                TestTokens.claims("carol").issuer(null).audience((String) null).build());

        assertThat(lenient.verify("Bearer " + token).subject()).isEqualTo("carol");
    }

    @Test
    void theAdminRoleComesFromTheConfiguredClaim() {
        assertThat(VERIFIER.verify(bearer(TestTokens.claims("ops").claim("roles", List.of("customer", "admin"))))
                        .admin())
                .isTrue();
        assertThat(VERIFIER.verify(bearer(TestTokens.claims("ops").claim("roles", "support admin")))
                        .admin())
                .as("a space-separated string")
                .isTrue();
        assertThat(VERIFIER.verify(bearer(TestTokens.claims("ann").claim("roles", List.of("customer"))))
                        .admin())
                .isFalse();
        assertThat(VERIFIER.verify(bearer(TestTokens.claims("ann").claim("roles", "administrator")))
                        .admin())
                .isFalse();
        assertThat(VERIFIER.verify(bearer(TestTokens.claims("ann"))).admin()).isFalse();

        final CustomerTokens nested = CustomerTokens.of(PROVIDER.publicKeys(), null, null, "realm_access.roles");
        assertThat(nested.verify(bearer(
                                TestTokens.claims("ops").claim("realm_access", Map.of("roles", List.of("admin")))))
                        .admin())
                .isTrue();
        assertThat(nested.verify(bearer(TestTokens.claims("ann").claim("roles", List.of("admin"))))
                        .admin())
                .as("the default claim is not read when another is configured")
                .isFalse();
    }

    @Test
    void readsAKeySetFileAndKeepsOnlyThePublicHalves(@TempDir final Path dir) throws Exception {
        final Path jwks = dir.resolve("keys.json");
        // a signing key set, private keys and all, as an operator might hand over by mistake
        Files.writeString(jwks, new com.nimbusds.jose.jwk.JWKSet(List.of(PROVIDER.rsa, PROVIDER.ec)).toString(false));

        final com.nimbusds.jose.jwk.JWKSet read = CustomerTokens.readJwks(jwks);
        assertThat(read.getKeys()).hasSize(2).noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
        final CustomerTokens tokens = CustomerTokens.of(read, TestTokens.ISSUER, TestTokens.AUDIENCE, null);
        assertThat(tokens.verify("Bearer " + PROVIDER.rs256("dave")).subject()).isEqualTo("dave");
        assertThat(tokens.verify("Bearer " + PROVIDER.es256("dave")).subject()).isEqualTo("dave");
    }

    @Test
    void readsAPemPublicKeyRsaOrEc(@TempDir final Path dir) throws Exception {
        final CustomerTokens rsa = CustomerTokens.of(
                CustomerTokens.readPublicKey(pem(dir.resolve("rsa.pem"), PROVIDER.rsa.toPublicKey())),
                TestTokens.ISSUER,
                TestTokens.AUDIENCE,
                null);
        final CustomerTokens ec = CustomerTokens.of(
                CustomerTokens.readPublicKey(pem(dir.resolve("ec.pem"), PROVIDER.ec.toPublicKey())),
                TestTokens.ISSUER,
                TestTokens.AUDIENCE,
                null);

        assertThat(rsa.verify("Bearer " + PROVIDER.rs256("erin")).subject()).isEqualTo("erin");
        assertThat(ec.verify("Bearer " + PROVIDER.es256("erin")).subject()).isEqualTo("erin");
        assertThatThrownBy(() -> rsa.verify("Bearer " + PROVIDER.es256("erin"))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> ec.verify("Bearer " + PROVIDER.rs256("erin"))).isInstanceOf(ApiException.class);

        final Path notAKey = Files.writeString(
                dir.resolve("nothing.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CustomerTokens.readPublicKey(notAKey))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("BEGIN PUBLIC KEY");
    }

    @Test
    void aKeySetWithoutRsaOrEcKeysIsRefusedAtStart() throws Exception {
        final com.nimbusds.jose.jwk.JWKSet secretsOnly = new com.nimbusds.jose.jwk.JWKSet(
                new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(new byte[32]).build());

        assertThatThrownBy(() -> CustomerTokens.of(secretsOnly, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no RSA or EC key");
    }

    // ---- tokens

    private static String bearer(final JWTClaimsSet.Builder claims) {
        return "Bearer " + PROVIDER.rs256(claims.build());
    }

    /** Signed with a stranger's key that claims the provider's key id. */
    private static String sameKeyIdOtherKey() {
        final RSAKey impostor =
                new RSAKey.Builder(STRANGER.rsa).keyID(PROVIDER.rsa.getKeyID()).build();
        return TestTokens.sign(
                JWSAlgorithm.RS256, impostor, TestTokens.claims("mallory").build());
    }

    /** A genuine token whose payload was swapped for another subject's. */
    private static String tampered() {
        final String[] genuine = PROVIDER.rs256("alice").split("\\.");
        final String[] other = PROVIDER.rs256("mallory").split("\\.");
        return genuine[0] + "." + other[1] + "." + genuine[2];
    }

    private static String hs256(final String subject) {
        try {
            final SignedJWT jwt = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.HS256),
                    TestTokens.claims(subject).build());
            jwt.sign(new MACSigner(new byte[32]));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path pem(final Path file, final PublicKey key) throws IOException {
        return Files.writeString(
                file,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(key.getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
    }

    /** Neither the token nor any piece of it (a segment, a claim's value) in what the refusal says. */
    private static void assertNothingOf(final String token, final ApiException e) {
        final String said = e.getMessage() + " " + e.details() + " " + e.challenge();
        assertThat(said).doesNotContain(token);
        for (final String segment : token.split("\\.")) {
            if (segment.length() > 3) {
                assertThat(said).doesNotContain(segment);
            }
        }
        assertThat(said).doesNotContain("mallory", "evil", "auth0");
    }
}
