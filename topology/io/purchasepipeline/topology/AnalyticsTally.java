package io.purchasepipeline.topology;

import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import io.purchasepipeline.stores.WindowCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Step 8, first half: counts what happens per window on each input partition and sends the
 * partial counts on about once a second. All partitions' counts meet on one key, so sending a
 * handful of partial counts instead of every event keeps that key far from being a hot spot.
 */
final class AnalyticsTally implements Processor<String, AnalyticsInput, String, WindowCounts> {

    /** The one key all partial counts are combined under. */
    static final String TOTAL = "all";

    private final AnalyticsConfig config;
    private final String store;
    private ProcessorContext<String, WindowCounts> context;
    private KeyValueStore<Long, WindowCounts> tally;

    private AnalyticsTally(final AnalyticsConfig config, final String store) {
        this.config = config;
        this.store = store;
    }

    /**
     * @param store the tally's store: one per task that counts ({@link StoreNames#ANALYTICS_ORDER_TALLY} in the
     *     customer's task, which sees the orders' events as they are made; {@link StoreNames#ANALYTICS_TALLY} for
     *     what the workers report)
     */
    static ProcessorSupplier<String, AnalyticsInput, String, WindowCounts> supplier(
            final AnalyticsConfig config, final String store) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, AnalyticsInput, String, WindowCounts> get() {
                return new AnalyticsTally(config, store);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.analyticsTally(store));
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, WindowCounts> context) {
        this.context = context;
        this.tally = context.getStateStore(store);
        context.schedule(config.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(final Record<String, AnalyticsInput> record) {
        final long at = record.timestamp();
        final long windowStart = at - Math.floorMod(at, config.window().toMillis());
        final WindowCounts current = tally.get(windowStart);
        final WindowCounts counts = current == null ? WindowCounts.empty(windowStart) : current;
        final WindowCounts updated;
        if (record.value() instanceof AnalyticsInput.Status status) {
            updated = counts.withStatus(status.event().status(), status.event().seq() == 1, at);
        } else if (record.value() instanceof AnalyticsInput.Emails emails) {
            updated = counts.withEmails(emails.counts().sent(), emails.counts().bounced(), at);
        } else {
            updated = counts.withEbook(at);
        }
        tally.put(windowStart, updated);
    }

    private void flush() {
        final List<KeyValue<Long, WindowCounts>> pending = new ArrayList<>();
        try (KeyValueIterator<Long, WindowCounts> all = tally.all()) {
            all.forEachRemaining(pending::add);
        }
        for (final KeyValue<Long, WindowCounts> entry : pending) {
            context.forward(new Record<>(TOTAL, entry.value, entry.value.lastAt()));
            tally.delete(entry.key);
        }
    }
}
