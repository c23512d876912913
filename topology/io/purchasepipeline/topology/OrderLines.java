package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.stores.LineState;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An order's lines as the pipeline holds them, priced and named by the catalog when the order was checked. */
final class OrderLines {

    private OrderLines() {}

    /** One line per SKU: two lines for one SKU are one hold of their sum. */
    static List<LineState> of(final FraudCheckedOrder checked) {
        final Map<String, Integer> quantities = new LinkedHashMap<>();
        for (final OrderLine line : checked.order().items()) {
            quantities.merge(line.sku(), line.quantity(), Integer::sum);
        }
        return quantities.entrySet().stream()
                .map(entry -> new LineState(
                        entry.getKey(),
                        entry.getValue(),
                        checked.unitPrices().get(entry.getKey()),
                        null,
                        null,
                        checked.productNames().get(entry.getKey())))
                .toList();
    }

    /** The sum of the lines' amounts; null while a line has no price. */
    static BigDecimal total(final List<LineState> lines) {
        return lines.stream().allMatch(line -> line.unitPrice() != null)
                ? lines.stream().map(LineState::amount).reduce(BigDecimal.ZERO, BigDecimal::add)
                : null;
    }
}
