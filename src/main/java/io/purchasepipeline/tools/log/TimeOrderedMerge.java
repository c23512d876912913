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
 * A record is let out only when no partition that may still hold an earlier one is waited for: a
 * partition behind its end (as the log started) with nothing buffered holds the others back. Once
 * every partition has caught up, whatever is buffered goes out at once, in timestamp order.
 */
final class TimeOrderedMerge {

    /** A buffered entry; {@code arrival} orders entries of equal timestamps as they were read. */
    private record Pending(LogEntry entry, long arrival) {
    }

    private static final Comparator<Pending> EARLIEST = Comparator.comparingLong((Pending pending) -> pending.entry().timestamp())
            .thenComparingLong(Pending::arrival);

    private final Map<TopicPartition, Deque<Pending>> buffered = new HashMap<>();
    private long arrivals;

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
            Deque<Pending> earliest = null;
            for (final Map.Entry<TopicPartition, Deque<Pending>> queue : buffered.entrySet()) {
                if (!queue.getValue().isEmpty()
                        && (earliest == null || EARLIEST.compare(queue.getValue().peek(), earliest.peek()) < 0)) {
                    earliest = queue.getValue();
                }
            }
            if (earliest == null) {
                return;
            }
            out.accept(earliest.poll().entry());
            for (final TopicPartition partition : behind) {
                if (waitedFor.test(partition)) {
                    return;
                }
            }
        }
    }
}
