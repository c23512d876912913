package io.purchasepipeline.app.load;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.topology.PipelineConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The orders of a load run, order {@code seq} always the same for one seed and run: each is drawn
 * from its own random stream, so the mix does not depend on which order is asked for first.
 *
 * <ul>
 *   <li>A share of the orders ({@link Spec#seatStorm}) is one SEAT line for one of a few storm
 *       seats: many buyers race for each seat, one wins it, the rest end out of stock.</li>
 *   <li>The others have 1 to {@link Spec#maxLines} PHYSICAL lines of 1 to {@value #MAX_QUANTITY}
 *       units; with a {@link Spec#hotShare} that share of the lines goes to the first
 *       {@link Spec#hotSkus} SKUs (key skew: a few partitions and tasks take most of the work),
 *       otherwise lines spread evenly over all SKUs. A {@link Spec#digitalShare} of them also buy the e-book.</li>
 *   <li>Customers take turns from a pool of {@link Spec#customers}: one customer's orders come
 *       {@code customers / rate} seconds apart, so a large pool keeps them under the fraud check's
 *       velocity limit.</li>
 * </ul>
 */
final class OrderMix {

    static final int MAX_QUANTITY = 2;

    /**
     * @param skus PHYSICAL SKUs
     * @param hotSkus how many of them are hot
     * @param hotShare the share of PHYSICAL lines for the hot SKUs; null: no skew
     * @param maxLines PHYSICAL lines per order, at most
     * @param seatStorm the share of orders that race for a storm seat
     * @param stormSeats how many seats they race for
     * @param digitalShare the share of PHYSICAL orders that also buy the e-book
     * @param customers the customer pool
     * @param cards which test cards pay
     */
    record Spec(int skus, int hotSkus, Double hotShare, int maxLines, double seatStorm, int stormSeats,
                double digitalShare, long customers, CardMix cards) {

        Spec {
            if (skus < 1 || hotSkus < 0 || hotSkus > skus || maxLines < 1 || stormSeats < 0 || customers < 1
                    || !share(seatStorm) || !share(digitalShare) || hotShare != null && (!share(hotShare) || hotSkus == 0)
                    || seatStorm > 0 && stormSeats == 0) {
                throw new IllegalArgumentException("not a consistent order mix: " + this);
            }
        }

        private static boolean share(final double value) {
            return value >= 0 && value <= 1;
        }

        /**
         * The highest rate at which no customer of the pool places more orders inside the velocity
         * window than the fraud check allows.
         */
        double velocitySafeRate(final PipelineConfig rules) {
            return (double) customers * rules.velocityMaxOrders() / (rules.velocityWindow().toMillis() / 1000.0);
        }
    }

    private final Spec spec;
    private final LoadCatalog catalog;
    private final OrderIds ids;
    private final long seed;

    OrderMix(final Spec spec, final LoadCatalog catalog, final OrderIds ids, final long seed) {
        this.spec = spec;
        this.catalog = catalog;
        this.ids = ids;
        this.seed = seed;
    }

    Order order(final long seq) {
        final SplittableRandom random = new SplittableRandom(seed ^ seq * 0x9E3779B97F4A7C15L);
        final long customer = seq % spec.customers();
        final String customerId = "load-" + ids.runTag() + "-c" + customer;
        final Map<String, Integer> lines = new LinkedHashMap<>();
        if (random.nextDouble() < spec.seatStorm()) {
            lines.put(catalog.seat(random.nextInt(spec.stormSeats())), 1);
        } else {
            final int count = 1 + random.nextInt(spec.maxLines());
            for (int i = 0; i < count; i++) {
                // two draws of one SKU are one line, as the pipeline holds them
                lines.merge(LoadCatalog.physical(physicalSku(random)), 1 + random.nextInt(MAX_QUANTITY), Integer::sum);
            }
            if (random.nextDouble() < spec.digitalShare()) {
                lines.put(LoadCatalog.EBOOK, 1);
            }
        }
        final List<OrderLine> items = new ArrayList<>(lines.size());
        lines.forEach((sku, quantity) -> items.add(new OrderLine(sku, quantity)));
        final CardMix.Card card = spec.cards().pick(random.nextDouble());
        return new Order(ids.id(seq, customerId), customerId, "Load Customer " + customer, customerId + "@example.com", items,
                new PaymentDetails(card.masked()));
    }

    /** Ties every record the order causes back to this run and order, as an HTTP request's id does. */
    String correlationId(final long seq) {
        return "load-" + ids.runTag() + "-" + seq;
    }

    private int physicalSku(final SplittableRandom random) {
        if (spec.hotShare() == null) {
            return random.nextInt(spec.skus());
        }
        if (spec.hotSkus() == spec.skus() || random.nextDouble() < spec.hotShare()) {
            return random.nextInt(spec.hotSkus());
        }
        return spec.hotSkus() + random.nextInt(spec.skus() - spec.hotSkus());
    }
}
