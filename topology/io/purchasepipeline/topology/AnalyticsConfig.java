package io.purchasepipeline.topology;

import java.time.Duration;
import java.util.Map;

/**
 * How analytics judges rates.
 *
 * @param window the length of one window (1 minute)
 * @param grace how long after its end a window still takes late counts before it is closed
 * @param flushInterval how often each partition sends its partial counts on
 * @param minVolume fewer decided orders (or emails) than this in a window: its rate is too noisy to judge
 * @param smoothing the weight of the newest window in the running baseline (an exponentially weighted mean)
 * @param bandFloor the band around the baseline is at least this wide on each side (absolute)
 * @param bandRatio ... and at least this share of the baseline
 */
public record AnalyticsConfig(
        Duration window,
        Duration grace,
        Duration flushInterval,
        long minVolume,
        double smoothing,
        double bandFloor,
        double bandRatio) {

    public static final String WINDOW_MS = "pipeline.analytics.window.ms";
    public static final String GRACE_MS = "pipeline.analytics.grace.ms";
    public static final String MIN_VOLUME = "pipeline.analytics.min.volume";

    public static final AnalyticsConfig DEFAULTS = new AnalyticsConfig(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(1), 20, 0.3, 0.05, 0.5);

    public static AnalyticsConfig from(final Map<?, ?> props) {
        return new AnalyticsConfig(
                Duration.ofMillis(number(props, WINDOW_MS, DEFAULTS.window.toMillis())),
                Duration.ofMillis(number(props, GRACE_MS, DEFAULTS.grace.toMillis())),
                DEFAULTS.flushInterval,
                number(props, MIN_VOLUME, DEFAULTS.minVolume),
                DEFAULTS.smoothing,
                DEFAULTS.bandFloor,
                DEFAULTS.bandRatio);
    }

    private static long number(final Map<?, ?> props, final String key, final long fallback) {
        final Object value = props.get(key);
        return value == null ? fallback : Long.parseLong(value.toString().trim());
    }
}
