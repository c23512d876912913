package io.purchasepipeline.serdes;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The id that ties every record an HTTP request caused back to that request: it starts at the
 * request ({@code X-Correlation-Id}, or one made there) and travels in the {@value #HEADER} record
 * header through every derived record.
 */
public final class CorrelationId {

    public static final String HEADER = "correlation-id";

    private CorrelationId() {}

    /** The id in {@code headers}, or null. */
    public static String of(final Headers headers) {
        final Header header = headers == null ? null : headers.lastHeader(HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Headers carrying {@code id}; empty when it is null. */
    public static Headers headers(final String id) {
        final Headers headers = new RecordHeaders();
        if (id != null) {
            headers.add(HEADER, id.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
