package io.purchasepipeline.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the caller of a customer route is: the subject ({@code sub}) of a signed JWT shown as
 * {@code Authorization: Bearer <token>}, RS256 or ES256, verified against the configured public
 * keys, its {@code exp} checked (and {@code nbf} when it has one) with a small clock skew, and its
 * {@code iss} and {@code aud} when they are configured. When it is off, the customer routes trust
 * the ids the caller names, as they did before tokens.
 *
 * <p>A refusal says what was wrong in fixed words of ours: nothing of the token (not even a claim's
 * value) ever reaches an error, a log line or {@link #toString()}.
 */
public final class CustomerTokens {

    /** How far apart the issuer's clock and ours may be when {@code exp} and {@code nbf} are checked. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** The claim that lists a token's roles, unless configured otherwise; a dotted name reaches into objects. */
    public static final String DEFAULT_ROLE_CLAIM = "roles";
    /** The role that opens the operator routes. */
    public static final String ADMIN_ROLE = "admin";

    private static final Logger log = LoggerFactory.getLogger(CustomerTokens.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    /** A verified token's holder. */
    public record Caller(String subject, boolean admin) {}

    /** Null when tokens are off. */
    private final DefaultJWTProcessor<SecurityContext> processor;

    private final List<String> roleClaim;
    private final String description;

    private CustomerTokens(
            final DefaultJWTProcessor<SecurityContext> processor, final String roleClaim, final String description) {
        this.processor = processor;
        this.roleClaim = roleClaim == null ? List.of() : List.of(roleClaim.split("\\."));
        this.description = description;
    }

    /** No tokens: the customer routes trust the caller. */
    public static CustomerTokens off() {
        return new CustomerTokens(null, null, "customer routes trust the caller");
    }

    /**
     * Tokens signed by one of {@code keys}.
     *
     * @param issuer the {@code iss} a token must carry; null accepts any
     * @param audience the value a token's {@code aud} must hold; null accepts any
     * @param roleClaim the claim (a string or a list of strings) in which {@value #ADMIN_ROLE} opens the operator routes
     */
    public static CustomerTokens of(
            final JWKSet keys, final String issuer, final String audience, final String roleClaim) {
        final List<JWK> usable = keys.getKeys().stream()
                .filter(key -> key.getKeyType() == KeyType.RSA || key.getKeyType() == KeyType.EC)
                .toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException(
                    "the key set holds no RSA or EC key to verify RS256 or ES256 tokens with");
        }
        if (usable.stream().anyMatch(JWK::isPrivate)) {
            // a key set meant for signing: keep only what verifying needs
            return of(keys.toPublicJWKSet(), issuer, audience, roleClaim);
        }
        final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(selector(usable));
        // access tokens (RFC 9068) are typed at+jwt; plain JWTs carry JWT or no type
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        final DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                blank(audience) == null ? null : Set.of(audience.strip()),
                blank(issuer) == null
                        ? null
                        : new JWTClaimsSet.Builder().issuer(issuer.strip()).build(),
                Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME),
                null);
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        final String role = blank(roleClaim) == null ? DEFAULT_ROLE_CLAIM : roleClaim.strip();
        return new CustomerTokens(
                processor,
                role,
                "customer routes need a bearer JWT (RS256/ES256, " + usable.size()
                        + (usable.size() == 1 ? " key" : " keys") + ", issuer "
                        + (blank(issuer) == null ? "any" : issuer.strip())
                        + ", audience " + (blank(audience) == null ? "any" : audience.strip())
                        + ", admin role in claim '" + role + "')");
    }

    /**
     * Keys are chosen by the token's {@code kid} and algorithm; one key without an id (a PEM file)
     * verifies whatever key id a token names, with the one algorithm its type signs with.
     */
    private static JWSKeySelector<SecurityContext> selector(final List<JWK> keys) {
        if (keys.size() == 1 && keys.get(0).getKeyID() == null) {
            final JWK key = keys.get(0);
            try {
                return key instanceof RSAKey rsa
                        ? new SingleKeyJWSKeySelector<>(JWSAlgorithm.RS256, rsa.toPublicKey())
                        : new SingleKeyJWSKeySelector<>(JWSAlgorithm.ES256, ((ECKey) key).toPublicKey());
            } catch (JOSEException e) {
                throw new IllegalArgumentException("the key cannot be used to verify tokens: " + e.getMessage(), e);
            }
        }
        return new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(new JWKSet(keys)));
    }

    /** A JSON Web Key Set file (private keys in it are ignored: only their public halves are kept). */
    public static JWKSet readJwks(final Path file) throws IOException {
        final String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the key set " + file + ": " + e, e);
        }
        try {
            return JWKSet.parse(json).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IOException(file + " is not a JSON Web Key Set: " + e.getMessage(), e);
        }
    }

    /** A PEM file of one public key ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC P-256), as a key set of one. */
    public static JWKSet readPublicKey(final Path file) throws IOException {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read the public key " + file + ": " + e, e);
        }
        final Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new IOException(file + " holds no -----BEGIN PUBLIC KEY----- block");
        }
        final X509EncodedKeySpec spec = new X509EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.group(1).strip()));
        for (final String algorithm : List.of("RSA", "EC")) {
            final PublicKey key;
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                continue;
            }
            if (key instanceof RSAPublicKey rsa) {
                return new JWKSet(new RSAKey.Builder(rsa).build());
            }
            if (key instanceof ECPublicKey ec) {
                final Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (!Curve.P_256.equals(curve)) {
                    throw new IOException(file + " holds an EC key on a curve ES256 does not use");
                }
                return new JWKSet(new ECKey.Builder(curve, ec).build());
            }
        }
        throw new IOException(file + " holds neither an RSA nor an EC public key");
    }

    public boolean required() {
        return processor != null;
    }

    /**
     * The verified caller, or a 401 ({@code invalid_token} unless the request shows no bearer
     * token at all).
     *
     * @param authorization the request's {@code Authorization} header, null when it has none
     */
    Caller verify(final String authorization) {
        if (processor == null) {
            throw new IllegalStateException("no customer tokens are configured");
        }
        final String token = AdminAuth.bearer(authorization);
        if (token == null) {
            throw ApiException.unauthorized("this route needs Authorization: Bearer <token>");
        }
        final JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw refused("the token is not a JWT");
        } catch (BadJWSException e) {
            throw refused("the token's signature does not verify with a configured key");
        } catch (BadJOSEException e) {
            throw refused(reason(e));
        } catch (JOSEException e) {
            throw refused("the token cannot be verified");
        }
        final String subject = claims.getSubject();
        if (!OrderSubmission.ID.matcher(subject).matches()) {
            throw refused("the token's subject is not a customer id (1 to 64 letters, digits or ._:@-)");
        }
        return new Caller(subject, hasAdminRole(claims));
    }

    /** Logged in our words only: the token, its claims and the library's message stay out of the log. */
    private static ApiException refused(final String reason) {
        log.debug("Refused a bearer token: {}", reason);
        return ApiException.invalidToken(reason);
    }

    /**
     * What was wrong with a rejected token, in fixed words: the library's own messages may quote a
     * claim. (Each of these is pinned by a test, so a library that rewords them is noticed.)
     */
    private static String reason(final BadJOSEException e) {
        if (e instanceof ExpiredJWTException) {
            return "the token has expired";
        }
        final String message = String.valueOf(e.getMessage());
        if (message.contains("before use time")) {
            return "the token is not valid yet";
        }
        if (message.contains("aud claim")) {
            return "the token is not for this audience";
        }
        if (message.contains("missing required claims")) {
            return "the token lacks a required claim (sub, exp, or the configured iss)";
        }
        if (message.contains("iss claim")) {
            return "the token is not from the accepted issuer";
        }
        if (message.contains("algorithm") || message.contains("key")) {
            return "the token is not signed RS256 or ES256 with a configured key";
        }
        return "the token is not accepted";
    }

    private boolean hasAdminRole(final JWTClaimsSet claims) {
        Object value = claims.getClaims();
        for (final String part : roleClaim) {
            value = value instanceof Map<?, ?> object ? object.get(part) : null;
        }
        if (value instanceof String roles) {
            // a space-separated list, as OAuth scopes are written
            return new HashSet<>(List.of(roles.split(" "))).contains(ADMIN_ROLE);
        }
        return value instanceof Collection<?> roles && roles.contains(ADMIN_ROLE);
    }

    private static String blank(final String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return description;
    }
}
