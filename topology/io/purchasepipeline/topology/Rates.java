package io.purchasepipeline.topology;

import io.purchasepipeline.stores.WindowCounts;
import java.util.LinkedHashMap;
import java.util.Map;

/** The rates analytics watches, each with the volume it was measured over. */
final class Rates {

    static final String FRAUD = "fraud_rate";
    static final String PAYMENT_APPROVAL = "payment_approval_rate";
    static final String OUT_OF_STOCK = "out_of_stock_rate";
    static final String EMAIL_BOUNCE = "email_bounce_rate";

    record Rate(double value, long volume) {}

    private Rates() {}

    /** The window's rates; a rate with nothing to measure is left out. */
    static Map<String, Rate> of(final WindowCounts counts) {
        final Map<String, Rate> rates = new LinkedHashMap<>();
        put(rates, FRAUD, counts.fraud(), counts.decided());
        put(rates, PAYMENT_APPROVAL, counts.completed(), counts.completed() + counts.declined());
        put(rates, OUT_OF_STOCK, counts.outOfStock(), counts.decided());
        put(rates, EMAIL_BOUNCE, counts.emailsBounced(), counts.emailsSent() + counts.emailsBounced());
        return rates;
    }

    private static void put(final Map<String, Rate> rates, final String name, final long part, final long whole) {
        if (whole > 0) {
            rates.put(name, new Rate((double) part / whole, whole));
        }
    }
}
