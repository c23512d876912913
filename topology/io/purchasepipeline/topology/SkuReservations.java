package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.InvalidCommandException;
import io.purchasepipeline.stores.InventoryLedger;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Step 3: reservation, per SKU. Orders' holds, confirms and releases, catalog definitions and
 * users' direct seat commands for one SKU all arrive on one partition of one task and are applied
 * one at a time to the SKU's state in RocksDB: two buyers can never both get the last unit or the
 * same seat, with no lock and no version column.
 *
 * <p>Forwards a {@link SkuOutput}: an order line's answer keyed by the order's customer (back to
 * the order's task), a seat command's answer keyed by seat id, and the applied {@link Product} keyed
 * by SKU (for every instance's catalog).
 */
final class SkuReservations implements Processor<String, SkuCommand, String, SkuOutput> {

    private ProcessorContext<String, SkuOutput> context;
    private InventoryLedger ledger;

    static ProcessorSupplier<String, SkuCommand, String, SkuOutput> supplier() {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SkuCommand, String, SkuOutput> get() {
                return new SkuReservations();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.inventory());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, SkuOutput> context) {
        this.context = context;
        this.ledger = new InventoryLedger(context.getStateStore(StoreNames.INVENTORY));
    }

    @Override
    public void process(final Record<String, SkuCommand> record) {
        final String sku = record.key();
        InvalidCommandException.require(sku != null && !sku.isBlank(), "SKU command without a key");
        if (record.value() instanceof SkuCommand.Reserve reserve) {
            apply(record, reserve.command());
        } else if (record.value() instanceof SkuCommand.Define define) {
            final Inventory applied = ledger.define(sku, define.product());
            send(record, new SkuOutput.Applied(sku, applied == null ? null
                    : new Product(sku, applied.name(), applied.kind(), applied.price(), applied.stocked())));
        } else if (record.value() instanceof SkuCommand.Seat seat) {
            InvalidCommandException.require(seat.command() != null && sku.equals(seat.command().seatId()),
                    "seat command keyed by " + sku + " names another seat");
            send(record, new SkuOutput.SeatAnswer(ledger.seat(seat.command())));
        }
    }

    private void apply(final Record<String, SkuCommand> record, final ReservationCommand command) {
        InvalidCommandException.require(command != null && command.action() != null && command.orderId() != null
                && command.customerId() != null && record.key().equals(command.sku()),
                "malformed reservation command for " + record.key());
        switch (command.action()) {
            case HOLD -> send(record, new SkuOutput.LineAnswer(ledger.hold(command)));
            case CONFIRM -> ledger.confirm(command);
            case RELEASE -> ledger.release(command);
        }
    }

    private void send(final Record<String, SkuCommand> record, final SkuOutput output) {
        context.forward(new Record<>(output.key(), output, record.timestamp(), record.headers()));
    }
}
