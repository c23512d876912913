package io.purchasepipeline.tools.log;

/**
 * Which records the log prints: all, or one order's ({@code --order}: the order id in the record's
 * key or value), or one request's ({@code --correlation-id}: its header); both given, a record must
 * match both.
 */
public record LogFilter(String orderId, String correlationId) {

    public boolean matches(final LogEntry entry) {
        return (orderId == null || entry.orderIds().contains(orderId))
                && (correlationId == null || correlationId.equals(entry.correlationId()));
    }
}
