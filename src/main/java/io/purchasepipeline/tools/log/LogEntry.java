package io.purchasepipeline.tools.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * One record as the log shows it: when, where, its key and correlation id, a short summary of its
 * value, and the orders it concerns (found in its key or value), for {@code --order}.
 */
public record LogEntry(
        long timestamp,
        String topic,
        int partition,
        long offset,
        String key,
        String correlationId,
        String summary,
        Set<String> orderIds) {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String NONE = "-";

    public LogEntry {
        orderIds = Set.copyOf(orderIds);
    }

    /** {@code time topic[partition]@offset key=... cid=... summary}, on one line whatever the record holds. */
    public String line() {
        return TIME.format(Instant.ofEpochMilli(timestamp)) + "  " + topic + "[" + partition + "]@" + offset
                + "  key=" + (key == null ? NONE : key) + "  cid=" + (correlationId == null ? NONE : correlationId)
                + "  " + summary;
    }
}
