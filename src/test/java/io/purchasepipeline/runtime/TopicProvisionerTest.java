package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.KafkaTestClients;
import io.purchasepipeline.topology.PipelineConfig;
import io.purchasepipeline.topology.PurchaseTopology;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

    private static final TopicProvisioner.Retention WEEK = new TopicProvisioner.Retention(604_800_000L, 1_073_741_824L);

    private KafkaClusterTestKit cluster;
    private Admin admin;

    @BeforeEach
    void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterEach
    void stopBroker() throws Exception {
        admin.close();
        cluster.close();
    }

    @Test
    void createsEveryTopicWithItsPolicy() throws Exception {
        final short replication = new TopicProvisioner(admin, 4, WEEK).provision();

        assertThat(replication).isEqualTo((short) 1);
        assertThat(admin.listTopics().names().get())
                .containsAll(TopicProvisioner.topicNames())
                .contains(Topics.PAYMENT_REQUESTS.name(), Topics.PAYMENT_RESULTS.name());
        assertThat(admin.describeTopics(List.of(Topics.PAYMENT_RESULTS.name()))
                        .allTopicNames()
                        .get()
                        .get(Topics.PAYMENT_RESULTS.name())
                        .partitions())
                .as("co-partitioned with orders")
                .hasSize(4);
        assertThat(config(Topics.PAYMENT_RESULTS.name(), TopicConfig.CLEANUP_POLICY_CONFIG))
                .isEqualTo("delete");
        assertThat(admin.describeTopics(List.of(Topics.ORDERS.name()))
                        .allTopicNames()
                        .get()
                        .get(Topics.ORDERS.name())
                        .partitions())
                .hasSize(4);
        assertThat(config(Topics.CATALOG.name(), TopicConfig.CLEANUP_POLICY_CONFIG))
                .isEqualTo("compact");
        assertThat(config(Topics.ORDER_EVENTS.name(), TopicConfig.CLEANUP_POLICY_CONFIG))
                .isEqualTo("delete");
        assertThat(config(Topics.ORDER_EVENTS.name(), TopicConfig.RETENTION_MS_CONFIG))
                .isEqualTo("604800000");
        assertThat(config(Topics.ORDER_EVENTS.name(), TopicConfig.RETENTION_BYTES_CONFIG))
                .isEqualTo("1073741824");
    }

    @Test
    void makesTheRepartitionTopicsAsKafkaStreamsWouldSoItsConsumerNeverAsksForMissingOnes() throws Exception {
        new TopicProvisioner(admin, 4, WEEK).provision();

        for (final String topic : TopicProvisioner.REPARTITION_TOPICS.keySet()) {
            assertThat(admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions())
                    .as(topic)
                    .hasSize(1);
            assertThat(config(topic, TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("delete");
            assertThat(config(topic, TopicConfig.RETENTION_MS_CONFIG))
                    .as("kept until Streams deletes what it read")
                    .isEqualTo("-1");
        }
    }

    @Test
    void theRepartitionTopicsAreTheTopologysOwn() {
        final java.util.Properties props = StreamsSettings.of("unused:9092", java.nio.file.Path.of("unused"), Map.of());
        final java.util.Set<String> repartition = new java.util.TreeSet<>();
        PurchaseTopology.build(PipelineConfig.from(props), props)
                .describe()
                .subtopologies()
                .forEach(subtopology -> subtopology.nodes().forEach(node -> {
                    if (node instanceof TopologyDescription.Source source) {
                        source.topicSet().stream()
                                .filter(topic -> topic.endsWith("-repartition"))
                                .forEach(topic -> repartition.add(StreamsSettings.APPLICATION_ID + "-" + topic));
                    }
                }));

        assertThat(TopicProvisioner.REPARTITION_TOPICS.keySet()).containsExactlyInAnyOrderElementsOf(repartition);
    }

    /**
     * An instance that starts while one of three brokers is down must see the replication factor the
     * topics have, not the brokers that happen to be up: the streams app passes it on to its internal
     * topics, and under the streams protocol a member whose topology differs is refused by the group.
     */
    @Test
    void answersTheReplicationOfTheExistingTopicsWhileABrokerIsDown() throws Exception {
        try (KafkaClusterTestKit three = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(false)
                        .setNumBrokerNodes(3)
                        .setNumControllerNodes(1)
                        .build())
                .build()) {
            three.format();
            three.startup();
            three.waitForReadyBrokers();
            try (Admin client =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, three.bootstrapServers()))) {
                assertThat(new TopicProvisioner(client, 2, WEEK).provision()).isEqualTo((short) 3);

                three.brokers().get(2).shutdown();
                three.brokers().get(2).awaitShutdown();
                KafkaTestClients.awaitLiveBrokers(client, 2);

                assertThat(new TopicProvisioner(client, 2, WEEK).provision()).isEqualTo((short) 3);
            }
        }
    }

    @Test
    void keepsExistingTopicsAsTheyAre() throws Exception {
        admin.createTopics(List.of(new NewTopic(Topics.EMAILS.name(), 2, (short) 1)))
                .all()
                .get();

        new TopicProvisioner(admin, 4, WEEK).provision();

        assertThat(admin.describeTopics(List.of(Topics.EMAILS.name()))
                        .allTopicNames()
                        .get()
                        .get(Topics.EMAILS.name())
                        .partitions())
                .hasSize(2);
    }

    @Test
    void refusesPaymentResultsWithOtherPartitionsThanOrders() throws Exception {
        admin.createTopics(List.of(new NewTopic(Topics.PAYMENT_RESULTS.name(), 2, (short) 1)))
                .all()
                .get();

        assertThatThrownBy(() -> new TopicProvisioner(admin, 4, WEEK).provision())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Topics.PAYMENT_RESULTS.name());
    }

    @Test
    void refusesCoPartitionedTopicsWithDifferentPartitionCounts() throws Exception {
        admin.createTopics(List.of(new NewTopic(Topics.CATALOG.name(), 2, (short) 1)))
                .all()
                .get();

        assertThatThrownBy(() -> new TopicProvisioner(admin, 4, WEEK).provision())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("same number of partitions");
    }

    @Test
    void asksForTwoInSyncReplicasWhenThereAreThree() {
        assertThat(TopicProvisioner.configs(Topics.ORDERS.name(), (short) 3, TopicProvisioner.Retention.BROKER_DEFAULT))
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        assertThat(TopicProvisioner.configs(Topics.ORDERS.name(), (short) 1, TopicProvisioner.Retention.BROKER_DEFAULT))
                .doesNotContainKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        assertThat(TopicProvisioner.configs(Topics.PRODUCTS.name(), (short) 3, WEEK))
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
                .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
    }

    private String config(final String topic, final String name) throws Exception {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(name)
                .value();
    }
}
