package io.purchasepipeline.payment;

import io.opentelemetry.api.trace.SpanContext;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link PaymentRequest} as read from Kafka, with what it must carry before a gateway can be asked
 * (no retry would make up for a missing field), and its answer as written back.
 */
public final class PaymentRequests {

    private PaymentRequests() {}

    /** Why {@code request} cannot be asked of a gateway, or null when it can. */
    public static String problem(final PaymentRequest request) {
        if (request == null) {
            return "a record without a value is no payment request";
        }
        if (blank(request.orderId()) || blank(request.customerId()) || request.operation() == null) {
            return "a payment request needs an orderId, a customerId and an operation";
        }
        return switch (request.operation()) {
            case AUTHORISE ->
                request.amount() == null
                                || request.amount().signum() <= 0
                                || blank(request.currency())
                                || blank(request.card())
                        ? "AUTHORISE needs a positive amount, a currency and a card"
                        : null;
            case CAPTURE ->
                request.amount() == null
                                || request.amount().signum() <= 0
                                || blank(request.currency())
                                || blank(request.authorisationId())
                        ? "CAPTURE needs a positive amount, a currency and the authorisationId"
                        : null;
            case VOID -> blank(request.authorisationId()) ? "VOID needs the authorisationId" : null;
        };
    }

    private static boolean blank(final String value) {
        return value == null || value.isBlank();
    }

    /** The payment request in {@code record}, checked for what every gateway call needs. */
    static PaymentRequest readable(final ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            throw new InvalidPaymentRequestException(
                    "a payment request without a key (the customer id) has no way back " + "to its order");
        }
        final PaymentRequest request = Topics.PAYMENT_REQUESTS
                .valueSerde()
                .deserializer()
                .deserialize(record.topic(), record.headers(), record.value());
        final String problem = PaymentRequests.problem(request);
        if (problem != null) {
            throw new InvalidPaymentRequestException(problem);
        }
        return request;
    }

    /** The answer to {@code request} on {@code payment-results}: keyed like it, with its correlation id and {@code span}'s context. */
    static ProducerRecord<byte[], byte[]> resultRecord(
            final ConsumerRecord<byte[], byte[]> request, final PaymentResult result, final SpanContext span) {
        final String topic = Topics.PAYMENT_RESULTS.name();
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic,
                null,
                request.key(),
                Topics.PAYMENT_RESULTS.valueSerde().serializer().serialize(topic, result));
        final String correlationId = CorrelationId.of(request.headers());
        if (correlationId != null) {
            CorrelationId.headers(correlationId).forEach(record.headers()::add);
        }
        TraceParent.put(record.headers(), span);
        return record;
    }
}
