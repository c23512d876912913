package io.purchasepipeline.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Answers are committed in the order of their requests, per partition; what is not committed is read again. */
class UncommittedTest {

    private static final TopicPartition P0 = new TopicPartition("payment-requests", 0);
    private static final TopicPartition P1 = new TopicPartition("payment-requests", 1);

    private final Uncommitted uncommitted = new Uncommitted();

    @Test
    void onlyTheAnsweredRequestsAtTheHeadOfAPartitionAreCommitted() {
        final Uncommitted.Entry first = uncommitted.add(record(P0, 10));
        final Uncommitted.Entry second = uncommitted.add(record(P0, 11));
        final Uncommitted.Entry third = uncommitted.add(record(P0, 12));
        final Uncommitted.Entry other = uncommitted.add(record(P1, 5));
        answer(first);
        answer(third);
        answer(other);

        final Uncommitted.Answered answered = uncommitted.answeredHeads();

        assertThat(answered.positions()).isEqualTo(Map.of(P0, new OffsetAndMetadata(11), P1, new OffsetAndMetadata(6)));
        assertThat(answered.outputs()).containsExactlyInAnyOrder(first.output, other.output);

        uncommitted.committed(answered);
        answer(second);

        assertThat(uncommitted.answeredHeads().positions()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void aRewindGoesBackToTheFirstUncommittedRequestOfEachPartitionAndDropsTheRest() {
        uncommitted.awaitCall(uncommitted.add(record(P0, 10)));
        uncommitted.add(record(P0, 11));
        uncommitted.add(record(P1, 7));
        final Map<TopicPartition, Long> seeks = new HashMap<>();

        uncommitted.rewind(seeks::put);

        assertThat(seeks).isEqualTo(Map.of(P0, 10L, P1, 7L));
        assertThat(uncommitted.isEmpty()).isTrue();
        assertThat(uncommitted.waitingCount()).isZero();
    }

    @Test
    void partitionsThatGoTakeTheirRequestsWithThem() {
        uncommitted.awaitCall(uncommitted.add(record(P0, 10)));
        final Uncommitted.Entry staying = uncommitted.add(record(P1, 3));
        uncommitted.awaitCall(staying);

        uncommitted.forget(List.of(P0));

        assertThat(uncommitted.waitingCount()).isEqualTo(1);
        assertThat(uncommitted.nextWaiting()).isSameAs(staying);
        answer(staying);
        assertThat(uncommitted.answeredHeads().positions()).containsOnlyKeys(P1);
    }

    private static ConsumerRecord<byte[], byte[]> record(final TopicPartition partition, final long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, new byte[] {1}, new byte[] {2});
    }

    private static void answer(final Uncommitted.Entry entry) {
        entry.output =
                new ProducerRecord<>("payment-results", entry.record.key(), new byte[] {(byte) entry.record.offset()});
    }
}
