package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The workers' groups on a real broker: the consumer rebalance protocol, with the session the app asks for. */
class WorkerGroupsTest {

    @Test
    @Timeout(120)
    void aWorkersGroupGetsTheSessionItAsksForAndItsMembersJoinUnderTheConsumerProtocol() throws Exception {
        try (KafkaClusterTestKit cluster = InJvmPipeline.startKafka();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("work", 2, (short) 1)))
                    .all()
                    .get();
            // a session of the user's own, which the group must be asked for: the consumer refuses it
            final KafkaClients clients = KafkaClients.of(
                    cluster.bootstrapServers(), Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000"));

            clients.askGroupForItsSettings("workers");

            assertThat(groupConfig(admin, "workers", "consumer.session.timeout.ms"))
                    .satisfies(entry -> {
                        assertThat(entry.value()).isEqualTo("20000");
                        assertThat(entry.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
                    });
            assertThat(groupConfig(admin, "workers", "consumer.heartbeat.interval.ms")
                            .value())
                    .isEqualTo("1000");

            try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(
                    clients.groupConsumer("workers", 10), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                member.subscribe(List.of("work"));
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (member.assignment().size() < 2 && System.nanoTime() < deadline) {
                    member.poll(Duration.ofMillis(200));
                }
                assertThat(member.assignment()).hasSize(2);
                final ConsumerGroupDescription group = admin.describeConsumerGroups(Set.of("workers"))
                        .all()
                        .get()
                        .get("workers");
                assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
                assertThat(group.members()).hasSize(1);
            }
        }
    }

    private static ConfigEntry groupConfig(final Admin admin, final String groupId, final String name)
            throws Exception {
        final ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        return admin.describeConfigs(List.of(group)).all().get().get(group).get(name);
    }
}
