package io.purchasepipeline.http;

import io.purchasepipeline.payment.Cards;
import io.purchasepipeline.payment.Luhn;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.RoutableOrderId;
import io.purchasepipeline.serdes.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Takes an order in: checks it whole before anything is written, then writes it to {@code orders}
 * and answers only once Kafka has it (acks=all), so an accepted order is never lost. With an
 * {@code Idempotency-Key} the order id is derived from the customer and the key, so a retry on any
 * instance names the same order and the topology processes it once.
 */
public final class OrderSubmission {

    /** At least one letter or digit: an id of dots alone ("..") is a path segment, not a name. */
    static final Pattern ID = Pattern.compile("(?=.*[A-Za-z0-9])[A-Za-z0-9._:@-]{1,64}");

    static final Pattern SKU = Pattern.compile("(?=.*[A-Za-z0-9])[A-Za-z0-9._-]{1,64}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    static final int MAX_ITEMS = 100;
    static final int MAX_QUANTITY = 1000;

    private final TopicWriter producer;
    private final long sendTimeoutMs;

    public OrderSubmission(final TopicWriter producer, final long sendTimeoutMs) {
        this.producer = producer;
        this.sendTimeoutMs = sendTimeoutMs;
    }

    /** Validates, writes (with the request's correlation id), and returns the order as accepted. */
    public Order place(final PlaceOrderRequest request, final String idempotencyKey, final String correlationId)
            throws InterruptedException {
        final Order order = validated(request, idempotencyKey);
        try {
            producer.send(Topics.ORDERS, order.customerId(), order, correlationId)
                    .get(sendTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("the order could not be stored: " + e.getMessage(), 1);
        }
        return order;
    }

    static Order validated(final PlaceOrderRequest request, final String idempotencyKey) {
        final List<String> problems = new ArrayList<>();
        if (request == null) {
            throw ApiException.badRequest("invalid order", List.of("the body must be a JSON object"));
        }
        check(
                request.customerId() != null && ID.matcher(request.customerId()).matches(),
                problems,
                "customerId: 1 to 64 letters, digits or ._:@-");
        check(
                request.customerName() != null
                        && !request.customerName().isBlank()
                        && request.customerName().length() <= 200
                        && printable(request.customerName()),
                problems,
                "customerName: required, at most 200 characters, no control characters");
        check(
                request.email() != null
                        && request.email().length() <= 254
                        && EMAIL.matcher(request.email()).matches()
                        && printable(request.email()),
                problems,
                "email: not an e-mail address");
        final List<OrderLine> lines = new ArrayList<>();
        if (request.items() == null
                || request.items().isEmpty()
                || request.items().size() > MAX_ITEMS) {
            problems.add("items: 1 to " + MAX_ITEMS + " lines");
        } else {
            for (int i = 0; i < request.items().size(); i++) {
                final PlaceOrderRequest.Item item = request.items().get(i);
                if (item == null) {
                    problems.add("items[" + i + "]: missing");
                    continue;
                }
                check(
                        item.sku() != null && SKU.matcher(item.sku()).matches(),
                        problems,
                        "items[" + i + "].sku: 1 to 64 letters, digits or ._-");
                check(
                        item.quantity() != null && item.quantity() >= 1 && item.quantity() <= MAX_QUANTITY,
                        problems,
                        "items[" + i + "].quantity: 1 to " + MAX_QUANTITY);
                if (item.sku() != null && item.quantity() != null) {
                    lines.add(new OrderLine(item.sku(), item.quantity()));
                }
            }
        }
        final String card = request.payment() == null || request.payment().card() == null
                ? null
                : request.payment().card().replaceAll("[ -]", "");
        check(card != null && Luhn.valid(card), problems, "payment.card: not a valid card number");
        check(
                idempotencyKey == null || KEY.matcher(idempotencyKey).matches(),
                problems,
                "Idempotency-Key: 1 to 255 visible ASCII characters");
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid order", problems);
        }
        return new Order(
                orderId(request.customerId(), idempotencyKey),
                request.customerId(),
                request.customerName(),
                request.email(),
                lines,
                new PaymentDetails(Cards.mask(card)));
    }

    /**
     * The same customer and key always name the same order, whichever instance is asked. The id
     * carries the customer's hash, so any instance finds the order's partition from it.
     */
    static String orderId(final String customerId, final String idempotencyKey) {
        if (idempotencyKey == null) {
            return RoutableOrderId.random(customerId);
        }
        return RoutableOrderId.keyed(customerId, idempotencyKey);
    }

    /** No control characters: names end up in mail headers, PDFs and logs. */
    static boolean printable(final String text) {
        return text.codePoints().noneMatch(Character::isISOControl);
    }

    private static void check(final boolean ok, final List<String> problems, final String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
