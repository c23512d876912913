package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.purchasepipeline.http.PlaceOrderRequest;
import io.purchasepipeline.payment.Cards;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.topology.PipelineConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OrderMixTest {

    private static final OrderIds IDS = new OrderIds(0x1234_5678_9abc_def0L);
    private static final CardMix APPROVED_ONLY = new CardMix.Converter().convert("approved=1");
    private static final int ORDERS = 20_000;

    @Test
    void theSameSeedGivesTheSameOrdersWhicheverIsAskedFirst() {
        final OrderMix.Spec spec = spec(0.9, 0.1, APPROVED_ONLY, 1_000_000);
        final OrderMix first = mix(spec, 42);
        final OrderMix second = mix(spec, 42);

        final List<Order> forwards =
                LongStream.range(0, 500).mapToObj(first::order).toList();
        final List<Order> backwards = new ArrayList<>(LongStream.range(0, 500)
                .map(seq -> 499 - seq)
                .mapToObj(second::order)
                .toList());
        Collections.reverse(backwards);

        assertThat(backwards).isEqualTo(forwards);
    }

    @Test
    void anotherSeedGivesOtherOrders() {
        final OrderMix.Spec spec = spec(null, 0, APPROVED_ONLY, 1_000_000);

        final List<List<OrderLine>> one = LongStream.range(0, 100)
                .mapToObj(seq -> mix(spec, 1).order(seq).items())
                .toList();
        final List<List<OrderLine>> other = LongStream.range(0, 100)
                .mapToObj(seq -> mix(spec, 2).order(seq).items())
                .toList();

        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void theHotSkusGetTheHotShareOfTheLines() {
        final OrderMix mix = mix(spec(0.9, 0, APPROVED_ONLY, 1_000_000), 7);

        final List<String> skus = lines(mix).stream().map(OrderLine::sku).toList();

        final Set<String> hot =
                IntStream.range(0, 10).mapToObj(LoadCatalog::physical).collect(Collectors.toSet());
        assertThat(skus.stream().filter(hot::contains).count() / (double) skus.size())
                .isCloseTo(0.9, within(0.01));
        // the rest spread over the other 990
        assertThat(skus.stream().filter(sku -> !hot.contains(sku)).distinct().count())
                .isGreaterThan(900);
    }

    @Test
    void withoutAHotShareTheLinesSpreadEvenlyOverEverySku() {
        final OrderMix mix = mix(spec(null, 0, APPROVED_ONLY, 1_000_000), 7);

        final Map<String, Long> perSku =
                lines(mix).stream().collect(Collectors.groupingBy(OrderLine::sku, Collectors.counting()));

        // about 40 lines per SKU: every SKU is ordered, none more than about twice as often as the mean
        assertThat(perSku).hasSize(1000);
        final double mean =
                perSku.values().stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(perSku.values()).allSatisfy(count -> assertThat(count).isBetween(1L, (long) (2 * mean)));
    }

    @Test
    void stormOrdersAreOneSeatEachOfTheRunsStormSeats() {
        final LoadCatalog catalog = new LoadCatalog(IDS.runTag(), 1000, 3, false);
        final OrderMix mix = new OrderMix(spec(null, 0.2, APPROVED_ONLY, 1_000_000), catalog, IDS, 3);

        final List<Order> storm = LongStream.range(0, ORDERS)
                .mapToObj(mix::order)
                .filter(order ->
                        order.items().stream().anyMatch(line -> line.sku().contains("-seat-")))
                .toList();

        assertThat(storm.size() / (double) ORDERS).isCloseTo(0.2, within(0.01));
        assertThat(storm).allSatisfy(order -> assertThat(order.items()).hasSize(1));
        assertThat(storm.stream().map(order -> order.items().get(0)).distinct())
                .containsExactlyInAnyOrder(
                        new OrderLine(catalog.seat(0), 1),
                        new OrderLine(catalog.seat(1), 1),
                        new OrderLine(catalog.seat(2), 1));
    }

    @Test
    void cardsFollowTheirWeightsMaskedAsTheIntakeWritesThem() {
        final OrderMix mix =
                mix(spec(null, 0, new CardMix.Converter().convert("approved=90,declined=10"), 1_000_000), 5);

        final List<String> cards = LongStream.range(0, ORDERS)
                .mapToObj(seq -> mix.order(seq).payment().card())
                .toList();

        assertThat(cards)
                .containsOnly(Cards.mask(PaymentSimulator.APPROVED_CARD), Cards.mask(PaymentSimulator.DECLINED_CARD));
        assertThat(cards.stream()
                                .filter(Cards.mask(PaymentSimulator.DECLINED_CARD)::equals)
                                .count()
                        / (double) ORDERS)
                .isCloseTo(0.1, within(0.01));
    }

    @Test
    void overHttpAnOrderIsTheSameOrderPaidWithTheWholeCardNumber() {
        final LoadCatalog catalog = new LoadCatalog(IDS.runTag(), 1000, 3, true);
        final OrderMix mix = new OrderMix(
                spec(0.5, 0.1, new CardMix.Converter().convert("approved=80,declined=20"), 1000, 0.3), catalog, IDS, 9);

        assertThat(LongStream.range(0, 500)).allSatisfy(seq -> {
            final Order order = mix.order(seq);
            final PlaceOrderRequest request = mix.request(seq);
            assertThat(request.customerId()).isEqualTo(order.customerId());
            assertThat(request.customerName()).isEqualTo(order.customerName());
            assertThat(request.email()).isEqualTo(order.email());
            assertThat(request.items())
                    .containsExactlyElementsOf(order.items().stream()
                            .map(line -> new PlaceOrderRequest.Item(line.sku(), line.quantity()))
                            .toList());
            assertThat(request.payment().card())
                    .isIn(PaymentSimulator.APPROVED_CARD, PaymentSimulator.DECLINED_CARD)
                    .satisfies(card -> assertThat(Cards.mask(card))
                            .isEqualTo(order.payment().card()));
        });
    }

    @Test
    void customersTakeTurnsFromThePool() {
        final OrderMix mix = mix(spec(null, 0, APPROVED_ONLY, 100), 5);

        final List<String> customers = LongStream.range(0, 200)
                .mapToObj(seq -> mix.order(seq).customerId())
                .toList();

        assertThat(new HashSet<>(customers.subList(0, 100))).hasSize(100);
        assertThat(customers.subList(100, 200)).isEqualTo(customers.subList(0, 100));
        assertThat(customers.get(0)).isEqualTo("load-" + IDS.runTag() + "-c0");
    }

    @Test
    void ordersAreWhatTheIntakeWouldAcceptAndWellUnderTheFraudAmountLimit() {
        final LoadCatalog catalog = new LoadCatalog(IDS.runTag(), 1000, 3, true);
        final OrderMix mix = new OrderMix(spec(0.5, 0.1, APPROVED_ONLY, 1_000_000, 0.3), catalog, IDS, 9);

        assertThat(LongStream.range(0, 2000).mapToObj(mix::order)).allSatisfy(order -> {
            assertThat(IDS.seq(order.orderId())).isNotNegative();
            assertThat(order.customerId()).matches("[A-Za-z0-9._:@-]{1,64}");
            assertThat(order.email()).isEqualTo(order.customerId() + "@example.com");
            assertThat(order.customerName()).isNotBlank();
            assertThat(order.items()).hasSizeBetween(1, 4).allSatisfy(line -> {
                assertThat(line.sku()).matches("[A-Za-z0-9._-]{1,64}");
                assertThat(line.quantity()).isBetween(1, 3 * OrderMix.MAX_QUANTITY);
            });
            assertThat(order.items().stream().map(OrderLine::sku).distinct()).hasSameSizeAs(order.items());
            final double total = order.items().stream()
                    .mapToDouble(line -> line.quantity()
                            * (line.sku().equals(LoadCatalog.EBOOK)
                                            ? LoadCatalog.EBOOK_PRICE
                                            : line.sku().contains("-seat-")
                                                    ? LoadCatalog.SEAT_PRICE
                                                    : LoadCatalog.PHYSICAL_PRICE)
                                    .doubleValue())
                    .sum();
            assertThat(total)
                    .isLessThan(PipelineConfig.DEFAULTS.fraudAmountLimit().doubleValue());
        });
        assertThat(LongStream.range(0, 2000)
                        .mapToObj(mix::order)
                        .filter(order -> order.items().contains(new OrderLine(LoadCatalog.EBOOK, 1))))
                .isNotEmpty();
    }

    @Test
    void aPoolOfAMillionCustomersStaysUnderTheDefaultVelocityLimitUpToAbout83000OrdersASecond() {
        assertThat(spec(null, 0, APPROVED_ONLY, 1_000_000).velocitySafeRate(PipelineConfig.DEFAULTS))
                .isCloseTo(1_000_000 * 5 / 60.0, within(0.001));
    }

    @Test
    void refusesAnInconsistentMix() {
        assertThatThrownBy(() -> new OrderMix.Spec(10, 11, 0.5, 3, 0, 10, 0, 100, APPROVED_ONLY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderMix.Spec(10, 5, 1.5, 3, 0, 10, 0, 100, APPROVED_ONLY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderMix.Spec(10, 5, null, 3, 0.5, 0, 0, 100, APPROVED_ONLY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFlashSaleOrderIsOneUnitOfTheSameSku() {
        final OrderMix mix = mix(OrderMix.Spec.of(OrderMix.Kind.FLASH, 1000, 3, 1_000_000, APPROVED_ONLY), 3);

        assertThat(LongStream.range(0, 1000)
                        .mapToObj(mix::order)
                        .map(Order::items)
                        .distinct()
                        .toList())
                .containsExactly(List.of(new OrderLine(LoadCatalog.physical(0), 1)));
    }

    @Test
    void theHotPresetPutsNineTenthsOfTheLinesOnTenSkusAndTheUniformOneSpreadsThem() {
        final Set<String> hot =
                IntStream.range(0, 10).mapToObj(LoadCatalog::physical).collect(Collectors.toSet());
        final List<String> hotMix =
                lines(mix(OrderMix.Spec.of(OrderMix.Kind.HOT, 1000, 3, 1_000_000, APPROVED_ONLY), 5)).stream()
                        .map(OrderLine::sku)
                        .toList();
        final List<String> uniform =
                lines(mix(OrderMix.Spec.of(OrderMix.Kind.UNIFORM, 1000, 3, 1_000_000, APPROVED_ONLY), 5)).stream()
                        .map(OrderLine::sku)
                        .toList();

        assertThat(hotMix.stream().filter(hot::contains).count() / (double) hotMix.size())
                .isCloseTo(0.9, within(0.01));
        assertThat(uniform.stream().filter(hot::contains).count() / (double) uniform.size())
                .isCloseTo(0.01, within(0.005));
    }

    @Test
    void theGeneratorForABaselineGivesTheOrdersOfThatMixAndSeed() {
        final List<Order> one = LongStream.range(0, 50)
                .mapToObj(OrderMix.generator(OrderMix.Kind.HOT, 100, 3, 1000, 9)::apply)
                .toList();
        final List<Order> again = LongStream.range(0, 50)
                .mapToObj(OrderMix.generator(OrderMix.Kind.HOT, 100, 3, 1000, 9)::apply)
                .toList();

        assertThat(again).isEqualTo(one);
        assertThat(one)
                .allSatisfy(order -> assertThat(order.items())
                        .isNotEmpty()
                        .allSatisfy(line -> assertThat(line.sku()).startsWith("load-sku-")));
    }

    private static List<OrderLine> lines(final OrderMix mix) {
        return LongStream.range(0, ORDERS)
                .mapToObj(mix::order)
                .flatMap(order -> order.items().stream())
                .toList();
    }

    private static OrderMix mix(final OrderMix.Spec spec, final long seed) {
        return new OrderMix(spec, new LoadCatalog(IDS.runTag(), spec.skus(), spec.stormSeats(), false), IDS, seed);
    }

    private static OrderMix.Spec spec(
            final Double hotShare, final double seatStorm, final CardMix cards, final long customers) {
        return spec(hotShare, seatStorm, cards, customers, 0);
    }

    private static OrderMix.Spec spec(
            final Double hotShare,
            final double seatStorm,
            final CardMix cards,
            final long customers,
            final double digitalShare) {
        return new OrderMix.Spec(1000, 10, hotShare, 3, seatStorm, 3, digitalShare, customers, cards);
    }
}
