package io.purchasepipeline.topology;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * The pipeline's own rules, apart from Kafka's settings. Read from properties named
 * {@code pipeline.*}, so one properties file (or the CLI) configures both.
 *
 * @param fraudAmountLimit an order whose total is above this is fraud
 * @param velocityMaxOrders more orders than this from one customer inside {@code velocityWindow} is fraud
 * @param holdTimeout holds that see no payment outcome in this time are released and the order expires:
 *     counted from the order's placement, on the customer task's stream time as well as the wall
 *     clock ({@link HoldClock})
 * @param timerInterval how often (wall clock) expired holds are looked for and failed payments retried
 * @param orderRetention how long an order (status and audit trail) is kept, counted from when it was
 *     placed: it stays queryable that long, and a replay of its id inside it is dropped
 * @param currency the shop's currency (ISO 4217 code): prices, payments and emails are in it
 * @param analytics how rates are counted and judged
 */
public record PipelineConfig(
        BigDecimal fraudAmountLimit,
        int velocityMaxOrders,
        Duration velocityWindow,
        Duration holdTimeout,
        Duration timerInterval,
        Duration orderRetention,
        String currency,
        AnalyticsConfig analytics) {

    public static final String FRAUD_AMOUNT_LIMIT = "pipeline.fraud.amount.limit";
    public static final String VELOCITY_MAX_ORDERS = "pipeline.fraud.velocity.max.orders";
    public static final String VELOCITY_WINDOW_MS = "pipeline.fraud.velocity.window.ms";
    public static final String HOLD_TIMEOUT_MS = "pipeline.hold.timeout.ms";
    public static final String TIMER_INTERVAL_MS = "pipeline.timer.interval.ms";
    public static final String ORDER_RETENTION_MS = "pipeline.order.retention.ms";
    public static final String CURRENCY = "pipeline.currency";

    public static final PipelineConfig DEFAULTS = new PipelineConfig(
            new BigDecimal("4500.00"),
            5,
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Duration.ofDays(7),
            "EUR",
            AnalyticsConfig.DEFAULTS);

    public PipelineConfig {
        if (fraudAmountLimit.signum() < 0
                || velocityMaxOrders < 1
                || velocityWindow.isNegative()
                || velocityWindow.isZero()
                || holdTimeout.isNegative()
                || holdTimeout.isZero()
                || timerInterval.isNegative()
                || timerInterval.isZero()
                || orderRetention.compareTo(holdTimeout.multipliedBy(2)) < 0
                || currency == null
                || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("Invalid pipeline settings: " + fraudAmountLimit + ", "
                    + velocityMaxOrders + ", " + velocityWindow + ", " + holdTimeout + ", " + timerInterval
                    + ", " + orderRetention + ", " + currency
                    + " (the order retention must be at least twice the hold timeout; the currency a 3-letter code)");
        }
    }

    /** The settings in {@code props} over the defaults; unknown keys are left for Kafka. */
    public static PipelineConfig from(final Map<?, ?> props) {
        return new PipelineConfig(
                decimal(props, FRAUD_AMOUNT_LIMIT, DEFAULTS.fraudAmountLimit),
                (int) number(props, VELOCITY_MAX_ORDERS, DEFAULTS.velocityMaxOrders),
                Duration.ofMillis(number(props, VELOCITY_WINDOW_MS, DEFAULTS.velocityWindow.toMillis())),
                Duration.ofMillis(number(props, HOLD_TIMEOUT_MS, DEFAULTS.holdTimeout.toMillis())),
                Duration.ofMillis(number(props, TIMER_INTERVAL_MS, DEFAULTS.timerInterval.toMillis())),
                Duration.ofMillis(number(props, ORDER_RETENTION_MS, DEFAULTS.orderRetention.toMillis())),
                props.get(CURRENCY) == null
                        ? DEFAULTS.currency
                        : props.get(CURRENCY).toString().trim(),
                AnalyticsConfig.from(props));
    }

    private static BigDecimal decimal(final Map<?, ?> props, final String key, final BigDecimal fallback) {
        final Object value = props.get(key);
        return value == null ? fallback : new BigDecimal(value.toString().trim());
    }

    private static long number(final Map<?, ?> props, final String key, final long fallback) {
        final Object value = props.get(key);
        return value == null ? fallback : Long.parseLong(value.toString().trim());
    }
}
