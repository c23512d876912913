package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Static membership under the streams protocol the app ships with: an instance that stops without
 * leaving the group and comes back within the session timeout (a rolling restart) gets its own
 * tasks back, and no rebalance moves anything: the other instance never even leaves RUNNING.
 */
@Timeout(300)
class StaticMembershipTest {

    private static final Duration SETTLE = Duration.ofSeconds(120);

    @Test
    void anInstanceRestartedWithinTheSessionTimeoutGetsItsTasksBackWithoutARebalance() throws Exception {
        try (InJvmPipeline pipeline = InJvmPipeline.start(
                2,
                2,
                AdminAuth.open(),
                new PaymentSimulator(),
                i -> Map.of(
                        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                        "instance-" + i,
                        // long enough for a restart on a busy two-core machine (the shipped 6 s is not, nor was 10 s: a
                        // restart took 11 s there from the last heartbeat to the join); the behaviour under
                        // test is the same whatever the timeout: back within it, nothing moves. The app asks
                        // its streams group for it (StreamsGroupSettings).
                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                        "30000"))) {
            await(
                    "both instances RUNNING with every task assigned and the assignment settled",
                    () -> running(pipeline, 0)
                            && running(pipeline, 1)
                            && !activeTasks(pipeline, 0).isEmpty()
                            && !activeTasks(pipeline, 1).isEmpty()
                            && settled(pipeline));
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()))) {
                assertThat(members(admin))
                        .extracting(member -> member.instanceId().orElse("none"))
                        .containsExactlyInAnyOrder("instance-0-1", "instance-1-1");
            }
            // a pipeline in use: every partition has had orders, so every store has something to checkpoint
            placeOrdersAndAwaitTheirEnd(pipeline, 8);
            await("the assignment settled after the orders", () -> settled(pipeline));
            final Set<TaskId> restartedTasks = activeTasks(pipeline, 0);
            final Set<TaskId> otherTasks = activeTasks(pipeline, 1);
            final int otherStatesBefore = pipeline.states(1).size();

            pipeline.restart(0, false);
            await(
                    "the restarted instance RUNNING with tasks",
                    () -> running(pipeline, 0) && !activeTasks(pipeline, 0).isEmpty());

            assertThat(activeTasks(pipeline, 0))
                    .as("the restarted instance's tasks")
                    .isEqualTo(restartedTasks);
            assertThat(activeTasks(pipeline, 1))
                    .as("the other instance's tasks")
                    .isEqualTo(otherTasks);
            assertThat(pipeline.states(1)
                            .subList(otherStatesBefore, pipeline.states(1).size()))
                    .as("the other instance's states since the restart: no rebalance")
                    .isEmpty();
            assertThat(pipeline.app(1).streams().state()).isEqualTo(State.RUNNING);
        }
    }

    private static void placeOrdersAndAwaitTheirEnd(final InJvmPipeline pipeline, final int customers)
            throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final List<String> orders = new ArrayList<>();
        for (int customer = 0; customer < customers; customer++) {
            final String body = "{\"customerId\":\"static-" + customer + "\",\"customerName\":\"Ann\","
                    + "\"email\":\"ann@example.com\",\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],"
                    + "\"payment\":{\"card\":\"4242424242424242\"}}";
            final HttpResponse<String> accepted = http.send(
                    HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            orders.add(JsonSerde.MAPPER.readTree(accepted.body()).get("orderId").asText());
        }
        for (final String order : orders) {
            await("order " + order + " ended", () -> {
                final HttpResponse<String> view = http.send(
                        HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders/" + order + "?waitMs=5000"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return view.statusCode() == 200
                        && "COMPLETED"
                                .equals(JsonSerde.MAPPER
                                        .readTree(view.body())
                                        .get("status")
                                        .asText());
            });
        }
    }

    /** Long enough after the last rebalance that no follow-up (a probing rebalance for warm-ups) is under way. */
    private static boolean settled(final InJvmPipeline pipeline) throws InterruptedException {
        final int before = pipeline.states(0).size() + pipeline.states(1).size();
        Thread.sleep(3_000);
        return pipeline.states(0).size() + pipeline.states(1).size() == before
                && running(pipeline, 0)
                && running(pipeline, 1);
    }

    private static boolean running(final InJvmPipeline pipeline, final int i) {
        return pipeline.app(i).streams().state() == State.RUNNING;
    }

    private static Set<TaskId> activeTasks(final InJvmPipeline pipeline, final int i) {
        final KafkaStreams streams = pipeline.app(i).streams();
        final Set<TaskId> tasks = new TreeSet<>();
        for (final ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.activeTasks().forEach(task -> tasks.add(task.taskId()));
        }
        return tasks;
    }

    private static List<StreamsGroupMemberDescription> members(final Admin admin) throws Exception {
        final StreamsGroupDescription group = admin.describeStreamsGroups(List.of(StreamsSettings.APPLICATION_ID))
                .describedGroups()
                .get(StreamsSettings.APPLICATION_ID)
                .get();
        return List.copyOf(group.members());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(final String what, final Check check) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SETTLE.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
