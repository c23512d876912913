package io.purchasepipeline.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the health routes answer, apart from HTTP.
 * <ul>
 *   <li>{@code /health/live}: 200 while the instance can still make progress by itself (created and
 *       starting, rebalancing, running). A liveness probe that failed during a rebalance would
 *       restart pods in the middle of every rebalance, and so cause the next one.</li>
 *   <li>{@code /health/ready}: 200 only when running, with no active store restoring and Kafka not
 *       known to be down: an instance that answers queries from a half-restored store, or takes orders
 *       it cannot store, should get no traffic.</li>
 *   <li>{@code /health}: 200 when running, as it always was.</li>
 * </ul>
 */
public final class Probes {

    private static final Set<KafkaStreams.State> LIVE =
            Set.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING);

    private final Supplier<KafkaStreams.State> state;
    private final RestoreProgress restores;
    private final KafkaAvailability kafka;

    public Probes(
            final Supplier<KafkaStreams.State> state, final RestoreProgress restores, final KafkaAvailability kafka) {
        this.state = state;
        this.restores = restores;
        this.kafka = kafka;
    }

    /** A status code and a JSON body. */
    public record Answer(int status, Map<String, Object> body) {}

    public Answer health() {
        final KafkaStreams.State current = state.get();
        return new Answer(current == KafkaStreams.State.RUNNING ? 200 : 503, Map.of("status", current.name()));
    }

    public Answer live() {
        final KafkaStreams.State current = state.get();
        return new Answer(LIVE.contains(current) ? 200 : 503, Map.of("status", current.name()));
    }

    public Answer ready() {
        final KafkaStreams.State current = state.get();
        final List<RestoreProgress.Snapshot> restoring = restores.restoring();
        final var kafkaProblem = kafka.problem();
        final boolean ready = current == KafkaStreams.State.RUNNING && restoring.isEmpty() && kafkaProblem.isEmpty();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", current.name());
        body.put("ready", ready);
        body.put("kafka", kafkaProblem.orElse("available"));
        body.put("restoring", restoring.stream().map(Probes::view).toList());
        body.put(
                "restoringRecordsRemaining",
                restoring.stream()
                        .mapToLong(RestoreProgress.Snapshot::remaining)
                        .sum());
        body.put("restoredPartitions", restores.completed());
        return new Answer(ready ? 200 : 503, body);
    }

    public KafkaAvailability kafka() {
        return kafka;
    }

    private static Map<String, Object> view(final RestoreProgress.Snapshot restore) {
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("store", restore.store());
        view.put("topic", restore.topic());
        view.put("partition", restore.partition());
        view.put("startOffset", restore.startOffset());
        view.put("endOffset", restore.endOffset());
        view.put("restored", restore.restored());
        view.put("remaining", restore.remaining());
        return view;
    }
}
