package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.Alert;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import io.purchasepipeline.stores.WindowCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 8, second half: adds up the partitions' partial counts per window; when a window closes
 * (its end plus the grace has passed), judges each rate against its running baseline, sends an
 * {@link Alert} for a rate outside its band (when the window had enough volume to matter), then
 * folds the rate into the baseline. Keeps the snapshot that {@code GET /analytics} answers.
 */
final class AnalyticsWindows implements Processor<String, WindowCounts, String, Alert> {

    private static final Logger log = LoggerFactory.getLogger(AnalyticsWindows.class);

    private final AnalyticsConfig config;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<Long, WindowCounts> windows;
    private KeyValueStore<String, AnalyticsSnapshot> snapshots;
    private long observedTime = Long.MIN_VALUE;

    private AnalyticsWindows(final AnalyticsConfig config) {
        this.config = config;
    }

    static ProcessorSupplier<String, WindowCounts, String, Alert> supplier(final AnalyticsConfig config) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, WindowCounts, String, Alert> get() {
                return new AnalyticsWindows(config);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.analyticsWindows(), PipelineStores.analytics());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
        this.windows = context.getStateStore(StoreNames.ANALYTICS_WINDOWS);
        this.snapshots = context.getStateStore(StoreNames.ANALYTICS);
        // windows close on record time; when traffic stops, the wall clock closes them too
        context.schedule(config.flushInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeDue);
    }

    @Override
    public void process(final Record<String, WindowCounts> record) {
        final WindowCounts partial = record.value();
        observedTime = Math.max(observedTime, partial.lastAt());
        if (partial.windowStart() + config.window().toMillis() + config.grace().toMillis() <= closedUpTo()) {
            log.warn("Counts for the closed window starting {} came too late; left out", partial.windowStart());
            return;
        }
        final WindowCounts current = windows.get(partial.windowStart());
        windows.put(partial.windowStart(), current == null ? partial : current.plus(partial));
        closeDue(observedTime);
    }

    /** The end (exclusive) of the windows already closed, as remembered in the snapshot. */
    private long closedUpTo() {
        final AnalyticsSnapshot snapshot = snapshot();
        return snapshot.lastClosed() == null
                ? Long.MIN_VALUE
                : snapshot.lastClosed().windowStart()
                        + config.window().toMillis()
                        + config.grace().toMillis();
    }

    private void closeDue(final long now) {
        final List<KeyValue<Long, WindowCounts>> open = new ArrayList<>();
        try (KeyValueIterator<Long, WindowCounts> all = windows.all()) {
            all.forEachRemaining(open::add);
        }
        AnalyticsSnapshot snapshot = snapshot();
        WindowCounts current = null;
        for (final KeyValue<Long, WindowCounts> window : open) {
            if (window.key + config.window().toMillis() + config.grace().toMillis() <= now) {
                snapshot = close(snapshot, window.value, now);
                windows.delete(window.key);
            } else if (current == null || window.key > current.windowStart()) {
                current = window.value;
            }
        }
        snapshots.put(
                AnalyticsSnapshot.KEY,
                new AnalyticsSnapshot(
                        current,
                        snapshot.lastClosed(),
                        snapshot.lastRates(),
                        snapshot.baselines(),
                        snapshot.baselineWindows(),
                        snapshot.activeAlerts()));
    }

    private AnalyticsSnapshot close(final AnalyticsSnapshot before, final WindowCounts window, final long now) {
        final Map<String, Double> baselines = new HashMap<>(before.baselines());
        final Map<String, Long> seen = new HashMap<>(before.baselineWindows());
        final Map<String, Double> lastRates = new LinkedHashMap<>();
        final List<Alert> alerts = new ArrayList<>();
        final long windowEnd = window.windowStart() + config.window().toMillis();
        Rates.of(window).forEach((metric, rate) -> {
            lastRates.put(metric, rate.value());
            if (rate.volume() < config.minVolume()) {
                return;
            }
            final Double baseline = baselines.get(metric);
            if (baseline == null) {
                baselines.put(metric, rate.value());
                seen.put(metric, 1L);
                return;
            }
            final double halfWidth = Math.max(config.bandFloor(), baseline * config.bandRatio());
            final double lower = Math.max(0, baseline - halfWidth);
            final double upper = Math.min(1, baseline + halfWidth);
            if (rate.value() < lower || rate.value() > upper) {
                final Alert alert = new Alert(
                        metric,
                        window.windowStart(),
                        windowEnd,
                        rate.value(),
                        baseline,
                        lower,
                        upper,
                        rate.volume(),
                        now);
                alerts.add(alert);
                context.forward(new Record<>(metric, alert, windowEnd));
            }
            baselines.put(metric, baseline + config.smoothing() * (rate.value() - baseline));
            seen.merge(metric, 1L, Long::sum);
        });
        return new AnalyticsSnapshot(before.current(), window, lastRates, baselines, seen, alerts);
    }

    private AnalyticsSnapshot snapshot() {
        final AnalyticsSnapshot snapshot = snapshots.get(AnalyticsSnapshot.KEY);
        return snapshot == null ? AnalyticsSnapshot.empty() : snapshot;
    }
}
