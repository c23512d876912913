package io.purchasepipeline.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Keys made in the test, and tokens signed with them, as an identity provider would issue them. */
public final class TestTokens {

    public static final String ISSUER = "https://id.shop.test";
    public static final String AUDIENCE = "purchase-pipeline";

    final RSAKey rsa;
    final ECKey ec;

    private TestTokens(final String name) {
        try {
            this.rsa = new RSAKeyGenerator(2048).keyID(name + "-rsa").generate();
            this.ec = new ECKeyGenerator(Curve.P_256).keyID(name + "-ec").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh RSA and EC key pair. */
    public static TestTokens generate(final String name) {
        return new TestTokens(name);
    }

    /** The public halves, as a JWKS endpoint serves them. */
    JWKSet publicKeys() {
        return new JWKSet(java.util.List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK()));
    }

    /** Verifies this provider's tokens, for {@link #ISSUER} and {@link #AUDIENCE}. */
    public CustomerTokens verifier() {
        return CustomerTokens.of(publicKeys(), ISSUER, AUDIENCE, null);
    }

    /** Claims a provider would put in a customer's token: valid for five minutes from now. */
    static JWTClaimsSet.Builder claims(final String subject) {
        final Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    public String rs256(final String subject) {
        return rs256(claims(subject).build());
    }

    public String es256(final String subject) {
        return es256(claims(subject).build());
    }

    String rs256(final JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, rsa, claims);
    }

    String es256(final JWTClaimsSet claims) {
        return sign(JWSAlgorithm.ES256, ec, claims);
    }

    static String sign(final JWSAlgorithm algorithm, final JWK key, final JWTClaimsSet claims) {
        try {
            final JWSSigner signer =
                    key instanceof RSAKey rsaKey ? new RSASSASigner(rsaKey) : new ECDSASigner((ECKey) key);
            final SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(algorithm)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
