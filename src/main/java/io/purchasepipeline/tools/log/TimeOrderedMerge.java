package io.purchasepipeline.tools.log;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Puts the records of many partitions in one order: by timestamp, each partition's own order kept.
 * Records the pipeline writes carry the timestamp of the record they came from, so one
 * millisecond often holds a cause and its effects: at equal timestamps a record of a topic that
 * only the outside writes (an order, a product definition) goes before the pipeline's own, which
 * go as they were read. A partition's order is never broken: a record whose timestamp is earlier
 * than its predecessor's (a changelog write for an answer that carries its cause's earlier time)
 * comes after that predecessor.
 * A record is let out only when no partition that may still hold an earlier one is waited for: a
 * partition behind its end (as the log started) with nothing buffered holds the others back. Once
 * every partition has caught up, whatever is buffered goes out at once, in timestamp order.
 */
final class TimeOrderedMerge {

    /** A buffered entry; {@code arrival} orders entries of equal timestamps as they were read. */
    private record Pending(LogEntry entry, long arrival) {}

    private final Comparator<Pending> earliest;
    private final Map<TopicPartition, Deque<Pending>> buffered = new HashMap<>();
    private long arrivals;

    /** @param inputs the topics only the outside writes: the causes of what the pipeline writes */
    TimeOrderedMerge(final Set<String> inputs) {
        this.earliest = Comparator.comparingLong(
                        (Pending pending) -> pending.entry().timestamp())
                .thenComparing(pending -> !inputs.contains(pending.entry().topic()))
                .thenComparingLong(Pending::arrival);
    }

    void add(final TopicPartition partition, final LogEntry entry) {
        buffered.computeIfAbsent(partition, ignored -> new ArrayDeque<>()).add(new Pending(entry, arrivals++));
    }

    /** How many entries {@code partition} has waiting. */
    int buffered(final TopicPartition partition) {
        final Deque<Pending> queue = buffered.get(partition);
        return queue == null ? 0 : queue.size();
    }

    /** Forgets a partition this reader no longer has. */
    void remove(final TopicPartition partition) {
        buffered.remove(partition);
    }

    /**
     * Lets out, earliest first, every entry no partition in {@code behind} can still precede.
     *
     * @param behind the partitions not yet read up to their end as the log started
     */
    void drain(final Set<TopicPartition> behind, final Consumer<LogEntry> out) {
        final Predicate<TopicPartition> waitedFor = partition -> buffered(partition) == 0;
        if (behind.stream().anyMatch(waitedFor)) {
            return;
        }
        while (true) {
            Deque<Pending> next = null;
            for (final Map.Entry<TopicPartition, Deque<Pending>> queue : buffered.entrySet()) {
                if (!queue.getValue().isEmpty()
                        && (next == null || earliest.compare(queue.getValue().peek(), next.peek()) < 0)) {
                    next = queue.getValue();
                }
            }
            if (next == null) {
                return;
            }
            out.accept(next.poll().entry());
            for (final TopicPartition partition : behind) {
                if (waitedFor.test(partition)) {
                    return;
                }
            }
        }
    }
}
