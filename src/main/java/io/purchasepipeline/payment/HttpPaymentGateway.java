package io.purchasepipeline.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.PaymentStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A payment provider's JSON API over HTTP, asked without blocking a thread per call
 * ({@link HttpClient#sendAsync}). Every call is a {@code POST} with an {@code Idempotency-Key}
 * header (the provider answers a repeated key with its first answer and moves no money again):
 *
 * <pre>
 * POST {base}/authorisations               {"amount":"42.50","currency":"EUR","card":"424242******4242"}
 * POST {base}/authorisations/{id}/capture  {"amount":"42.50","currency":"EUR"}
 * POST {base}/authorisations/{id}/void     {}
 * </pre>
 *
 * Answer, for 2xx and 402: {@code {"id":"<the provider's id of the operation>","status":"APPROVED"|
 * "DECLINED"|"INSUFFICIENT_FUNDS"}}; a 402 without a readable status is DECLINED. Any other 4xx is
 * the provider refusing the operation for good (unknown or voided authorisation, a bad card):
 * DECLINED, with the id from the body when it has one. No answer, as a
 * {@link PaymentUnavailableException}: a time-out, a connection that fails, 429, 5xx, or a 2xx
 * whose body says no known status; whether the operation happened is then unknown, and it is asked
 * again under the same key.
 */
public final class HttpPaymentGateway implements PaymentGateway {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final HttpClient client;
    private final URI base;
    private final Duration requestTimeout;

    /**
     * @param base the API's root, e.g. {@code https://payments.example.com/v1}
     * @param requestTimeout how long one call may take before it counts as unanswered
     */
    public HttpPaymentGateway(final HttpClient client, final URI base, final Duration requestTimeout) {
        this.client = client;
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        this.requestTimeout = requestTimeout;
    }

    public HttpPaymentGateway(final URI base, final Duration requestTimeout) {
        this(HttpClient.newBuilder().connectTimeout(requestTimeout).build(), base, requestTimeout);
    }

    @Override
    public CompletableFuture<GatewayAnswer> authorise(
            final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", amount.toPlainString());
        body.put("currency", currency);
        body.put("card", card);
        return post("authorisations", idempotencyKey, body);
    }

    @Override
    public CompletableFuture<GatewayAnswer> capture(
            final String idempotencyKey, final String authorisationId, final BigDecimal amount, final String currency) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", amount.toPlainString());
        body.put("currency", currency);
        return post("authorisations/" + segment(authorisationId) + "/capture", idempotencyKey, body);
    }

    @Override
    public CompletableFuture<GatewayAnswer> voidAuthorisation(
            final String idempotencyKey, final String authorisationId) {
        return post("authorisations/" + segment(authorisationId) + "/void", idempotencyKey, Map.of());
    }

    private CompletableFuture<GatewayAnswer> post(
            final String path, final String idempotencyKey, final Map<String, Object> body) {
        final HttpRequest request;
        try {
            request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header(IDEMPOTENCY_KEY, idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(JsonSerde.MAPPER.writeValueAsString(body)))
                    .build();
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot write a payment call", e));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    if (failure != null) {
                        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                        throw new PaymentUnavailableException("no answer from " + request.uri() + ": " + cause, cause);
                    }
                    return answer(request.uri(), response);
                });
    }

    private static GatewayAnswer answer(final URI uri, final HttpResponse<String> response) {
        final int code = response.statusCode();
        final JsonNode body = readable(response.body());
        final String id = body.path("id").isTextual() ? body.path("id").asText() : null;
        final PaymentStatus status = status(body.path("status").asText(""));
        if (code >= 200 && code < 300) {
            if (status == null || id == null) {
                throw new PaymentUnavailableException(uri + " answered " + code + " without an id and a known status");
            }
            return new GatewayAnswer(id, status);
        }
        if (code == 402) {
            return new GatewayAnswer(id, status == null || status.approved() ? PaymentStatus.DECLINED : status);
        }
        if (code == 429 || code >= 500 || code < 200 || code >= 300 && code < 400) {
            throw new PaymentUnavailableException(uri + " answered " + code);
        }
        return new GatewayAnswer(id, PaymentStatus.DECLINED);
    }

    /** Only final answers: the provider never says it is unavailable in a status field. */
    private static PaymentStatus status(final String name) {
        return switch (name) {
            case "APPROVED" -> PaymentStatus.APPROVED;
            case "DECLINED" -> PaymentStatus.DECLINED;
            case "INSUFFICIENT_FUNDS" -> PaymentStatus.INSUFFICIENT_FUNDS;
            default -> null;
        };
    }

    private static JsonNode readable(final String body) {
        try {
            return body == null || body.isBlank() ? JsonSerde.MAPPER.missingNode() : JsonSerde.MAPPER.readTree(body);
        } catch (IOException e) {
            return JsonSerde.MAPPER.missingNode();
        }
    }

    private static String segment(final String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
