package io.purchasepipeline.stores;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's partition count as the broker has it: its changelog topic has one partition per task
 * of the store (Kafka Streams creates it so, and refuses to run when it differs). The count cannot
 * change while the application runs, so it is asked for once; a changelog not created yet (before
 * the group's first rebalance) is asked for again next time.
 */
final class ChangelogPartitions implements StorePartitions {

    private static final Logger log = LoggerFactory.getLogger(ChangelogPartitions.class);
    private static final long TIMEOUT_MS = 2_000;

    private final Admin admin;
    private final String applicationId;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    ChangelogPartitions(final Admin admin, final String applicationId) {
        this.admin = admin;
        this.applicationId = applicationId;
    }

    /** Kafka Streams' name for the changelog of {@code store}. */
    static String changelog(final String applicationId, final String store) {
        return applicationId + "-" + store + "-changelog";
    }

    @Override
    public OptionalInt count(final String store) {
        final Integer known = counts.get(store);
        if (known != null) {
            return OptionalInt.of(known);
        }
        final String topic = changelog(applicationId, store);
        try {
            final int count = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            counts.put(store, count);
            return OptionalInt.of(count);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("The partition count of {} is not known yet: {}", topic, e.toString());
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
