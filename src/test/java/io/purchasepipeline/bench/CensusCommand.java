package io.purchasepipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code bench/run}'s use of {@link RecordCensus}, as a command line:
 * <pre>
 *   snapshot --bootstrap-servers B --out F [--metrics-url U]
 *   count --bootstrap-servers B --from F1 --to F2 --application-id A --out F3
 * </pre>
 * A snapshot also keeps what the application's {@code /metrics} says its stream threads' producers
 * sent ({@code kafka_producer_record_send_total}), so that the count can set that figure beside
 * the records found in the log.
 */
public final class CensusCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A stream thread producer's send total in Prometheus' text format. */
    private static final Pattern SEND_TOTAL =
            Pattern.compile("^kafka_producer_record_send_total\\{([^}]*)}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);

    private CensusCommand() {}

    public static void main(final String[] args) throws Exception {
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        final Properties clientProps = new Properties();
        clientProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, required(options, "--bootstrap-servers"));
        final Path out = Path.of(required(options, "--out"));
        final ObjectNode result;
        try (Admin admin = Admin.create(clientProps)) {
            result = switch (args.length == 0 ? "" : args[0]) {
                case "snapshot" -> snapshot(admin, options.get("--metrics-url"));
                case "count" ->
                    count(
                            admin,
                            clientProps,
                            read(Path.of(required(options, "--from"))),
                            read(Path.of(required(options, "--to"))),
                            required(options, "--application-id"));
                default ->
                    throw new IllegalArgumentException("usage: snapshot|count --bootstrap-servers B --out F ...");
            };
        }
        Files.writeString(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    private static String required(final Map<String, String> options, final String name) {
        final String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static JsonNode read(final Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    static ObjectNode snapshot(final Admin admin, final String metricsUrl) throws Exception {
        final RecordCensus.Snapshot snapshot = RecordCensus.snapshot(admin);
        final ObjectNode out = MAPPER.createObjectNode();
        out.put("at", snapshot.at().toString());
        final ObjectNode ends = out.putObject("end_offsets");
        snapshot.endOffsets()
                .forEach((partition, end) -> ends.put(partition.topic() + ":" + partition.partition(), end));
        if (metricsUrl != null) {
            final String text = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(metricsUrl))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            out.put("stream_thread_record_send_total", streamThreadSendTotal(text));
        }
        return out;
    }

    /** The sum of {@code kafka_producer_record_send_total} over the stream threads' producers. */
    static double streamThreadSendTotal(final String prometheusText) {
        double sum = 0;
        final Matcher m = SEND_TOTAL.matcher(prometheusText);
        while (m.find()) {
            if (m.group(1).contains("StreamThread")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    static RecordCensus.Snapshot snapshotOf(final JsonNode json) {
        final Map<TopicPartition, Long> ends = new HashMap<>();
        json.get("end_offsets").fields().forEachRemaining(e -> {
            final int colon = e.getKey().lastIndexOf(':');
            ends.put(
                    new TopicPartition(
                            e.getKey().substring(0, colon),
                            Integer.parseInt(e.getKey().substring(colon + 1))),
                    e.getValue().asLong());
        });
        return new RecordCensus.Snapshot(Instant.parse(json.get("at").asText()), ends);
    }

    static ObjectNode count(
            final Admin admin,
            final Properties clientProps,
            final JsonNode from,
            final JsonNode to,
            final String applicationId)
            throws Exception {
        final Map<String, RecordCensus.TopicCount> counts =
                RecordCensus.count(clientProps, snapshotOf(from), snapshotOf(to));
        final RecordCensus.StreamsTopics streams = RecordCensus.streamsTopics(admin, applicationId);
        final ObjectNode out = MAPPER.createObjectNode();
        out.put("from", from.get("at").asText());
        out.put("to", to.get("at").asText());
        out.put("application_id", applicationId);
        out.putPOJO("read_topics", new TreeSet<>(streams.read()));
        out.putPOJO("written_topics", new TreeSet<>(streams.written()));
        out.put("records_written", RecordCensus.records(counts, streams.written()));
        out.put("records_read", RecordCensus.records(counts, streams.read()));
        out.put(
                "unread_written",
                streams.written().stream()
                        .mapToLong(t -> counts.getOrDefault(t, new RecordCensus.TopicCount(0, 0, 0))
                                .unread())
                        .sum());
        out.put(
                "offsets_written",
                streams.written().stream()
                        .mapToLong(t -> counts.getOrDefault(t, new RecordCensus.TopicCount(0, 0, 0))
                                .offsets())
                        .sum());
        if (from.has("stream_thread_record_send_total") && to.has("stream_thread_record_send_total")) {
            out.put(
                    "stream_thread_record_send_total",
                    to.get("stream_thread_record_send_total").asDouble()
                            - from.get("stream_thread_record_send_total").asDouble());
        }
        final ObjectNode topics = out.putObject("topics");
        counts.forEach((topic, count) -> {
            final ObjectNode t = topics.putObject(topic);
            t.put("records", count.records());
            t.put("aborted", count.aborted());
            t.put("markers", count.markers());
            t.put("unread", count.unread());
        });
        return out;
    }
}
