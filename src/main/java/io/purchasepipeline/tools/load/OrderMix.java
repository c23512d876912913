package io.purchasepipeline.tools.load;

import io.purchasepipeline.http.PlaceOrderRequest;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.topology.PipelineConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

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
 *   <li>A flash sale ({@link Spec#flash}): every order is one unit of the same SKU, {@code load-sku-0}.</li>
 *   <li>Customers take turns from a pool of {@link Spec#customers}: one customer's orders come
 *       {@code customers / rate} seconds apart, so a large pool keeps them under the fraud check's
 *       velocity limit.</li>
 * </ul>
 */
public final class OrderMix {

    public static final int MAX_QUANTITY = 2;
    /** How many SKUs take the lines of {@link Kind#HOT}. */
    public static final int HOT_MIX_SKUS = 10;
    /** The share of the lines of {@link Kind#HOT} that go to the hot SKUs. */
    static final double HOT_MIX_SHARE = 0.9;

    /** The presets of {@code load --mix}, shared with the relational baseline of the benchmarks. */
    public enum Kind {
        /** Lines spread evenly over every SKU. */
        UNIFORM,
        /** 90% of the lines on 10 SKUs. */
        HOT,
        /** Every order is one unit of the same SKU. */
        FLASH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code uniform|hot|flash} on the command line. */
    public static final class KindConverter implements ITypeConverter<Kind> {
        @Override
        public Kind convert(final String value) {
            for (final Kind kind : Kind.values()) {
                if (kind.label().equals(value.toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a mix: uniform, hot or flash");
        }
    }

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
     * @param flash every order is one unit of the first SKU (the rest of the mix is not used)
     */
    public record Spec(
            int skus,
            int hotSkus,
            Double hotShare,
            int maxLines,
            double seatStorm,
            int stormSeats,
            double digitalShare,
            long customers,
            CardMix cards,
            boolean flash) {

        public Spec(
                final int skus,
                final int hotSkus,
                final Double hotShare,
                final int maxLines,
                final double seatStorm,
                final int stormSeats,
                final double digitalShare,
                final long customers,
                final CardMix cards) {
            this(skus, hotSkus, hotShare, maxLines, seatStorm, stormSeats, digitalShare, customers, cards, false);
        }

        /** The preset {@code kind} over {@code skus} PHYSICAL SKUs. */
        public static Spec of(
                final Kind kind, final int skus, final int maxLines, final long customers, final CardMix cards) {
            return switch (kind) {
                case UNIFORM -> new Spec(skus, 0, null, maxLines, 0, 0, 0, customers, cards);
                case HOT -> new Spec(skus, HOT_MIX_SKUS, HOT_MIX_SHARE, maxLines, 0, 0, 0, customers, cards);
                case FLASH -> new Spec(skus, 0, null, 1, 0, 0, 0, customers, cards, true);
            };
        }

        public Spec {
            if (skus < 1
                    || hotSkus < 0
                    || hotSkus > skus
                    || maxLines < 1
                    || stormSeats < 0
                    || customers < 1
                    || !share(seatStorm)
                    || !share(digitalShare)
                    || hotShare != null && (!share(hotShare) || hotSkus == 0)
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
        public double velocitySafeRate(final PipelineConfig rules) {
            return (double) customers
                    * rules.velocityMaxOrders()
                    / (rules.velocityWindow().toMillis() / 1000.0);
        }
    }

    private final Spec spec;
    private final LoadCatalog catalog;
    private final OrderIds ids;
    private final long seed;

    public OrderMix(final Spec spec, final LoadCatalog catalog, final OrderIds ids, final long seed) {
        this.spec = spec;
        this.catalog = catalog;
        this.ids = ids;
        this.seed = seed;
    }

    public Order order(final long seq) {
        return draw(seq).order();
    }

    /**
     * Order {@code seq} as a storefront places it over HTTP: the body of {@code POST /orders}, with
     * the card's whole number (the intake masks it before it writes the order).
     */
    public PlaceOrderRequest request(final long seq) {
        final Drawn drawn = draw(seq);
        final Order order = drawn.order();
        return new PlaceOrderRequest(
                order.customerId(),
                order.customerName(),
                order.email(),
                order.items().stream()
                        .map(line -> new PlaceOrderRequest.Item(line.sku(), line.quantity()))
                        .toList(),
                new PlaceOrderRequest.Payment(drawn.card().number()));
    }

    /** Who places order {@code seq}: customers take turns. */
    String customerId(final long seq) {
        return "load-" + ids.runTag() + "-c" + seq % spec.customers();
    }

    private Drawn draw(final long seq) {
        final SplittableRandom random = new SplittableRandom(seed ^ seq * 0x9E3779B97F4A7C15L);
        final long customer = seq % spec.customers();
        final String customerId = customerId(seq);
        final Map<String, Integer> lines = new LinkedHashMap<>();
        if (spec.flash()) {
            lines.put(LoadCatalog.physical(0), 1);
        } else if (random.nextDouble() < spec.seatStorm()) {
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
        return new Drawn(
                new Order(
                        ids.id(seq, customerId),
                        customerId,
                        "Load Customer " + customer,
                        customerId + "@example.com",
                        items,
                        new PaymentDetails(card.masked())),
                card);
    }

    /** An order as drawn, and the test card it pays with. */
    private record Drawn(Order order, CardMix.Card card) {}

    /**
     * The orders {@code load --mix kind --skus skus --max-lines maxLines --customers customers --seed seed}
     * sends, by sequence number, approved cards only: for a relational baseline that orders from
     * the same PHYSICAL SKUs ({@code load-sku-0} to {@code load-sku-<skus - 1>}).
     */
    public static LongFunction<Order> generator(
            final Kind kind, final int skus, final int maxLines, final long customers, final long seed) {
        final OrderIds ids = new OrderIds(seed);
        final OrderMix mix = new OrderMix(
                Spec.of(kind, skus, maxLines, customers, new CardMix.Converter().convert("approved=1")),
                new LoadCatalog(ids.runTag(), skus, 0, false),
                ids,
                seed);
        return mix::order;
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
