package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.FlagCommand;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.stores.InvalidCommandException;
import io.purchasepipeline.stores.OrderIndex;
import io.purchasepipeline.stores.OrderIndexStore;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2: the fraud check, per customer. Three rules: the order's total is above the limit; the
 * customer placed more orders than allowed inside the velocity window; the customer is flagged.
 * A fraudulent order flags its customer, so every later order of theirs is rejected until an
 * operator clears the flag (a {@link FlagCommand} on the same partition). The flag is written by
 * the same task that reads it, so the customer's very next order already sees it.
 */
final class FraudCheck implements Processor<String, CustomerCommand, String, FraudCheckedOrder> {

    private static final Logger log = LoggerFactory.getLogger(FraudCheck.class);

    private final PipelineConfig config;
    private ProcessorContext<String, FraudCheckedOrder> context;
    private KeyValueStore<String, String> flagged;
    private OrderIndex index;
    private KeyValueStore<String, Product> catalog;

    private FraudCheck(final PipelineConfig config) {
        this.config = config;
    }

    static ProcessorSupplier<String, CustomerCommand, String, FraudCheckedOrder> supplier(final PipelineConfig config) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, CustomerCommand, String, FraudCheckedOrder> get() {
                return new FraudCheck(config);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.flaggedCustomers());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, FraudCheckedOrder> context) {
        this.context = context;
        this.flagged = context.getStateStore(StoreNames.FLAGGED_CUSTOMERS);
        // the customer's orders of the velocity window, from the orders' states (see OrderIndex)
        this.index = context.<OrderIndexStore>getStateStore(StoreNames.ORDER_INDEX)
                .index(context.getStateStore(StoreNames.ORDERS));
        this.catalog = context.getStateStore(StoreNames.PRODUCT_CATALOG);
    }

    @Override
    public void process(final Record<String, CustomerCommand> record) {
        if (record.value() instanceof CustomerCommand.ChangeFlag change) {
            changeFlag(record.key(), change.flag());
        } else if (record.value() instanceof CustomerCommand.PlaceOrder place) {
            check(record.withValue(place.order()));
        }
    }

    /** Checked whole before the store is touched, so a bad command reaches {@code dead-letters} and changes nothing. */
    private void changeFlag(final String customerId, final FlagCommand command) {
        InvalidCommandException.require(command != null, "flag record for " + customerId + " without a value");
        InvalidCommandException.require(
                customerId != null && customerId.equals(command.customerId()),
                "flag command for " + command.customerId() + " is keyed by " + customerId + ", not by its customer");
        InvalidCommandException.require(
                command.action() != null, "flag command for " + customerId + " without an action");
        switch (command.action()) {
            case FLAG ->
                flagged.put(customerId, command.reason() == null ? "flagged by an operator" : command.reason());
            case CLEAR -> flagged.delete(customerId);
        }
        log.info("Customer {}: fraud flag {}", customerId, command.action());
    }

    private void check(final Record<String, Order> record) {
        final Order order = record.value();
        final String customerId = record.key();
        final Map<String, BigDecimal> prices = new HashMap<>();
        final Map<String, String> names = new HashMap<>();
        lookUp(order, prices, names);
        final BigDecimal total = estimatedTotal(order, prices);
        final List<FraudReason> reasons = new ArrayList<>();
        if (flagged.get(customerId) != null) {
            reasons.add(FraudReason.FLAGGED_CUSTOMER);
        }
        if (total.compareTo(config.fraudAmountLimit()) > 0) {
            reasons.add(FraudReason.AMOUNT_LIMIT);
        }
        if (ordersInWindow(customerId, order.orderId(), record.timestamp()) > config.velocityMaxOrders()) {
            reasons.add(FraudReason.VELOCITY);
        }
        if (!reasons.isEmpty() && !reasons.contains(FraudReason.FLAGGED_CUSTOMER)) {
            flagged.put(customerId, "order " + order.orderId() + ": " + reasons);
        }
        context.forward(record.withValue(new FraudCheckedOrder(order, prices, total, reasons, names)));
    }

    /**
     * Counts this order too: the limit is on how many the customer placed, whatever became of them.
     * The order's life, in this task, keeps its time in its state, from which the index is made again.
     */
    private int ordersInWindow(final String customerId, final String orderId, final long at) {
        return index.countOrder(customerId, orderId, at);
    }

    /**
     * Prices and names from the global catalog: a SKU it does not know yet has neither here, and
     * fails or is priced at reservation.
     */
    private void lookUp(final Order order, final Map<String, BigDecimal> prices, final Map<String, String> names) {
        for (final OrderLine line : order.items()) {
            final Product product = catalog.get(line.sku());
            if (product != null && product.price() != null) {
                prices.put(line.sku(), product.price());
            }
            if (product != null && product.name() != null) {
                names.put(line.sku(), product.name());
            }
        }
    }

    private static BigDecimal estimatedTotal(final Order order, final Map<String, BigDecimal> prices) {
        BigDecimal total = BigDecimal.ZERO;
        for (final OrderLine line : order.items()) {
            final BigDecimal price = prices.get(line.sku());
            if (price != null) {
                total = total.add(price.multiply(BigDecimal.valueOf(line.quantity())));
            }
        }
        return total;
    }
}
