package io.purchasepipeline.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class ChangelogPartitionsTest {

    private static final Node BROKER = new Node(0, "127.0.0.1", 9092);

    @Test
    void aStoreHasAsManyPartitionsAsItsChangelogAskedForOnce() throws Exception {
        try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {
            final StorePartitions partitions = StorePartitions.ofChangelogs(admin, "purchase-pipeline");
            assertThat(partitions.count(StoreNames.ORDERS))
                    .as("before the group's first rebalance creates the changelog")
                    .isEmpty();

            admin.addTopic(false, "purchase-pipeline-order-status-changelog", partitions(6), Map.of());
            assertThat(partitions.count(StoreNames.ORDERS)).hasValue(6);
            assertThat(partitions.count(StoreNames.INVENTORY)).isEmpty();

            admin.deleteTopics(List.of("purchase-pipeline-order-status-changelog"))
                    .all()
                    .get();
            assertThat(partitions.count(StoreNames.ORDERS))
                    .as("a count that cannot change is not asked for again")
                    .hasValue(6);
        }
    }

    private static List<TopicPartitionInfo> partitions(final int count) {
        return IntStream.range(0, count)
                .mapToObj(partition -> new TopicPartitionInfo(partition, BROKER, List.of(BROKER), List.of(BROKER)))
                .toList();
    }
}
