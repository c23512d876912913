package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.Alert;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /analytics} shows: the window being counted, the last closed one with its rates,
 * each rate's running baseline (and how many windows made it), and the alerts of the last closed
 * window.
 */
public record AnalyticsSnapshot(
        WindowCounts current,
        WindowCounts lastClosed,
        Map<String, Double> lastRates,
        Map<String, Double> baselines,
        Map<String, Long> baselineWindows,
        List<Alert> activeAlerts) {

    public static final String KEY = "snapshot";

    public AnalyticsSnapshot {
        lastRates = lastRates == null ? Map.of() : Map.copyOf(lastRates);
        baselines = baselines == null ? Map.of() : Map.copyOf(baselines);
        baselineWindows = baselineWindows == null ? Map.of() : Map.copyOf(baselineWindows);
        activeAlerts = activeAlerts == null ? List.of() : List.copyOf(activeAlerts);
    }

    public static AnalyticsSnapshot empty() {
        return new AnalyticsSnapshot(null, null, Map.of(), Map.of(), Map.of(), List.of());
    }
}
