package io.purchasepipeline.tools.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TimeOrderedMergeTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
    private static final TopicPartition EVENTS = new TopicPartition("order-events", 1);

    private final TimeOrderedMerge merge = new TimeOrderedMerge(Set.of(ORDERS.topic()));
    private final List<String> out = new ArrayList<>();

    @Test
    void interleavesPartitionsByTimestampKeepingEachPartitionsOrder() {
        merge.add(ORDERS, entry(ORDERS, 0, 100));
        merge.add(ORDERS, entry(ORDERS, 1, 300));
        merge.add(EVENTS, entry(EVENTS, 0, 200));
        merge.add(EVENTS, entry(EVENTS, 1, 400));

        merge.drain(Set.of(), this::print);

        assertThat(out).containsExactly("orders@0", "order-events@0", "orders@1", "order-events@1");
    }

    @Test
    void aRecordWhoseTimestampGoesBackInItsPartitionTakesItsPredecessorsPlace() {
        // a changelog record written for an answer that carries its cause's earlier time
        merge.add(EVENTS, entry(EVENTS, 0, 500));
        merge.add(EVENTS, entry(EVENTS, 1, 100));
        merge.add(ORDERS, entry(ORDERS, 0, 300));

        merge.drain(Set.of(), this::print);

        assertThat(out)
                .as("order-events@1 comes after order-events@0 (its partition's order), so after orders@0 too")
                .containsExactly("orders@0", "order-events@0", "order-events@1");
    }

    @Test
    void holdsBackWhileAPartitionThatMayHoldEarlierRecordsHasNothingBuffered() {
        merge.add(ORDERS, entry(ORDERS, 0, 500));

        merge.drain(Set.of(ORDERS, EVENTS), this::print);
        assertThat(out)
                .as("order-events is behind and may still hold a record before 500")
                .isEmpty();

        merge.add(EVENTS, entry(EVENTS, 0, 200));
        merge.drain(Set.of(ORDERS, EVENTS), this::print);
        assertThat(out)
                .as("after 200, order-events again has nothing buffered and is still behind")
                .containsExactly("order-events@0");

        merge.drain(Set.of(ORDERS), this::print);
        assertThat(out).as("order-events caught up").containsExactly("order-events@0", "orders@0");
    }

    @Test
    void atEqualTimestampsWhatCameFromOutsideGoesFirstThenTheRestAsRead() {
        final TopicPartition emails = new TopicPartition("emails", 0);
        merge.add(EVENTS, entry(EVENTS, 0, 100));
        merge.add(emails, entry(emails, 0, 100));
        merge.add(ORDERS, entry(ORDERS, 0, 100));
        merge.add(EVENTS, entry(EVENTS, 1, 100));

        merge.drain(Set.of(), this::print);

        assertThat(out).containsExactly("orders@0", "order-events@0", "emails@0", "order-events@1");
    }

    @Test
    void aRevokedPartitionNoLongerHoldsAnythingBack() {
        merge.add(ORDERS, entry(ORDERS, 0, 100));
        merge.remove(ORDERS);

        merge.drain(Set.of(), this::print);

        assertThat(out).isEmpty();
        assertThat(merge.buffered(ORDERS)).isZero();
    }

    private void print(final LogEntry entry) {
        out.add(entry.topic() + "@" + entry.offset());
    }

    private static LogEntry entry(final TopicPartition partition, final long offset, final long timestamp) {
        return new LogEntry(timestamp, partition.topic(), partition.partition(), offset, "k", null, "s", Set.of());
    }
}
