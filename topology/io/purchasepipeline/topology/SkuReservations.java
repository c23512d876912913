package io.purchasepipeline.topology;

import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.InvalidCommandException;
import io.purchasepipeline.stores.Inventory;
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
 *
 * <p>An order's command is a hop of the order's trace: one span, its answer carrying the span's
 * context back to the order's task.
 */
final class SkuReservations implements Processor<String, SkuCommand, String, SkuOutput> {

    private final HopSpans spans;
    private ProcessorContext<String, SkuOutput> context;
    private InventoryLedger ledger;

    private SkuReservations(final HopSpans spans) {
        this.spans = spans;
    }

    static ProcessorSupplier<String, SkuCommand, String, SkuOutput> supplier(final HopSpans spans) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SkuCommand, String, SkuOutput> get() {
                return new SkuReservations(spans);
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
            send(
                    record,
                    new SkuOutput.Applied(
                            sku,
                            applied == null
                                    ? null
                                    : new Product(
                                            sku, applied.name(), applied.kind(), applied.price(), applied.stocked())));
        } else if (record.value() instanceof SkuCommand.Seat seat) {
            InvalidCommandException.require(
                    seat.command() != null && sku.equals(seat.command().seatId()),
                    "seat command keyed by " + sku + " names another seat");
            send(record, new SkuOutput.SeatAnswer(ledger.seat(seat.command())));
        }
    }

    private void apply(final Record<String, SkuCommand> record, final ReservationCommand command) {
        InvalidCommandException.require(
                command != null
                        && command.action() != null
                        && command.orderId() != null
                        && command.customerId() != null
                        && record.key().equals(command.sku()),
                "malformed reservation command for " + record.key());
        final Span span = spans.start(
                        "sku reservation",
                        record.headers(),
                        Topics.RESERVATION_COMMANDS.name(),
                        command.orderId(),
                        null)
                .setAttribute(HopSpans.SKU, command.sku())
                .setAttribute(HopSpans.ACTION, command.action().name());
        try {
            switch (command.action()) {
                case HOLD -> {
                    final LineResult held = ledger.hold(command);
                    span.setAttribute(HopSpans.OUTCOME, String.valueOf(held.outcome()));
                    send(
                            record.withHeaders(TraceParent.with(record.headers(), span.getSpanContext())),
                            new SkuOutput.LineAnswer(held));
                }
                case CONFIRM -> ledger.confirm(command);
                case RELEASE -> ledger.release(command);
            }
        } catch (RuntimeException e) {
            HopSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void send(final Record<String, SkuCommand> record, final SkuOutput output) {
        context.forward(new Record<>(output.key(), output, record.timestamp(), record.headers()));
    }
}
