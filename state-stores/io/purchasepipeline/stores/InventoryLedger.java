package io.purchasepipeline.stores;

import static io.purchasepipeline.stores.InvalidCommandException.require;

import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.serdes.SeatResult;
import java.math.BigDecimal;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservation rules on one SKU's state. Every method reads, decides and writes without any
 * lock or version check: the caller is the one task that owns the SKU's partition, which applies
 * the SKU's commands one at a time, so no other writer can slip in between the read and the write
 * (the lost update of read-then-write cannot happen).
 */
public final class InventoryLedger {

    private static final Logger log = LoggerFactory.getLogger(InventoryLedger.class);

    private final KeyValueStore<String, Inventory> inventory;

    public InventoryLedger(final KeyValueStore<String, Inventory> inventory) {
        this.inventory = inventory;
    }

    /**
     * Defines or updates a SKU. Stock is the total ever stocked, so it can never drop below what is
     * already held or sold; a lower figure stops sales (nothing available) instead.
     *
     * @return the SKU's state afterwards, or null when the definition was deleted
     */
    public Inventory define(final String sku, final Product product) {
        final Inventory current = inventory.get(sku);
        if (product == null) {
            require(current == null || current.held() == 0, "SKU " + sku + " cannot be deleted while units are held");
            inventory.delete(sku);
            return null;
        }
        require(sku.equals(product.sku()), "catalog key " + sku + " does not match sku " + product.sku());
        require(product.name() != null && !product.name().isBlank(), "product " + sku + " has no name");
        require(product.kind() != null, "product " + sku + " has no kind");
        require(product.price() != null && product.price().signum() >= 0, "product " + sku + " needs a price >= 0");
        require(
                product.kind() != ProductKind.PHYSICAL || product.stock() != null && product.stock() >= 0,
                "PHYSICAL product " + sku + " needs a stock >= 0");
        require(
                current == null || current.kind() == product.kind() || current.held() + current.sold() == 0,
                "SKU " + sku + " cannot change kind while units are held or sold");

        final Inventory next = switch (product.kind()) {
            case PHYSICAL -> {
                final long held = current == null ? 0 : current.held();
                final long sold = current == null ? 0 : current.sold();
                final long stocked = Math.max(product.stock(), held + sold);
                if (stocked != product.stock()) {
                    log.warn(
                            "Stock of {} set to {} but {} are held or sold: nothing more will be sold",
                            sku,
                            product.stock(),
                            held + sold);
                }
                yield new Inventory(
                        sku,
                        product.name(),
                        product.kind(),
                        product.price(),
                        stocked,
                        stocked - held - sold,
                        held,
                        sold,
                        null);
            }
            case SEAT ->
                new Inventory(sku, product.name(), product.kind(), product.price(), 0, 0, 0, 0, null)
                        .withSeat(current == null ? null : current.seatHolder());
            case DIGITAL ->
                new Inventory(
                        sku,
                        product.name(),
                        product.kind(),
                        product.price(),
                        0,
                        0,
                        current == null ? 0 : current.held(),
                        current == null ? 0 : current.sold(),
                        null);
        };
        inventory.put(sku, next);
        return next;
    }

    /**
     * Holds one order line. There is no record per hold: the order's task is the only one that
     * confirms or releases a line, and only a line it was told is held, once (its commands reach this
     * partition exactly once and in the order they were sent), so the counts and the seat's holder
     * are all the SKU has to keep.
     */
    public LineResult hold(final ReservationCommand command) {
        final Inventory current = inventory.get(command.sku());
        final Inventory held = tryHold(command, current);
        if (held == null) {
            return result(command, current, refusal(command, current));
        }
        inventory.put(held.sku(), held);
        return result(command, held, LineOutcome.HELD);
    }

    /** Why {@code command} cannot be held, when {@link #tryHold} holds nothing. */
    private static LineOutcome refusal(final ReservationCommand command, final Inventory current) {
        if (current == null) {
            return LineOutcome.UNKNOWN_SKU;
        }
        if (command.quantity() <= 0 || current.kind() == ProductKind.SEAT && command.quantity() != 1) {
            return LineOutcome.INVALID_QUANTITY;
        }
        return current.kind() == ProductKind.SEAT ? LineOutcome.SEAT_TAKEN : LineOutcome.OUT_OF_STOCK;
    }

    /** The SKU's state with the line held, or null when it cannot be. */
    private static Inventory tryHold(final ReservationCommand command, final Inventory current) {
        final int quantity = command.quantity();
        if (current == null || quantity <= 0 || current.kind() == ProductKind.SEAT && quantity != 1) {
            return null;
        }
        return switch (current.kind()) {
            case PHYSICAL ->
                current.available() < quantity
                        ? null
                        : current.withCounts(current.available() - quantity, current.held() + quantity, current.sold());
            case SEAT ->
                current.seatHolder() != null
                        ? null
                        : current.withSeat(SeatHolder.order(command.orderId(), command.customerId()));
            case DIGITAL -> current.withCounts(current.available(), current.held() + quantity, current.sold());
        };
    }

    /** Turns a held line into a sale. A line this SKU does not hold for the order is refused whole. */
    public void confirm(final ReservationCommand command) {
        final Inventory current = held(command);
        inventory.put(
                current.sku(),
                switch (current.kind()) {
                    case SEAT -> current.withSeat(current.seatHolder().sell());
                    case PHYSICAL, DIGITAL ->
                        current.withCounts(
                                current.available(),
                                current.held() - command.quantity(),
                                current.sold() + command.quantity());
                });
    }

    /** Gives a held line back. A line this SKU does not hold for the order is refused whole. */
    public void release(final ReservationCommand command) {
        final Inventory current = held(command);
        inventory.put(
                current.sku(),
                switch (current.kind()) {
                    case SEAT -> current.withSeat(null);
                    case PHYSICAL ->
                        current.withCounts(
                                current.available() + command.quantity(),
                                current.held() - command.quantity(),
                                current.sold());
                    case DIGITAL ->
                        current.withCounts(current.available(), current.held() - command.quantity(), current.sold());
                });
    }

    /**
     * The SKU, checked to hold the command's line: a command that does not match (a bug, or a record
     * written by hand) goes to {@code dead-letters} and changes nothing, so no count can go below zero.
     */
    private Inventory held(final ReservationCommand command) {
        final Inventory current = inventory.get(command.sku());
        require(
                current != null,
                command.action() + " of " + command.sku() + " for order " + command.orderId() + ": no such SKU");
        if (current.kind() == ProductKind.SEAT) {
            require(
                    current.seatHolder() != null
                            && current.seatHolder().isOrder(command.orderId())
                            && !current.seatHolder().sold(),
                    command.action() + " of seat " + command.sku() + " for order " + command.orderId()
                            + ": the seat is not held for it");
        } else {
            require(
                    command.quantity() > 0 && current.held() >= command.quantity(),
                    command.action() + " of "
                            + command.quantity() + " " + command.sku() + " for order " + command.orderId() + ": only "
                            + current.held() + " held");
        }
        return current;
    }

    /** Applies a user's direct seat command: reserve a free seat, or release the user's own. */
    public SeatResult seat(final SeatCommand command) {
        require(command.user() != null && !command.user().isBlank(), "seat command without a user");
        require(command.action() != null, "seat command without an action");
        final Inventory seat = inventory.get(command.seatId());
        if (seat == null || seat.kind() != ProductKind.SEAT) {
            return seatResult(command, SeatOutcome.NO_SUCH_SEAT, null);
        }
        final SeatHolder holder = seat.seatHolder();
        return switch (command.action()) {
            case RESERVE -> {
                if (holder == null) {
                    inventory.put(seat.sku(), seat.withSeat(SeatHolder.user(command.user())));
                    yield seatResult(command, SeatOutcome.RESERVED, command.user());
                }
                // the same user asking again (a retried request) is told what is true: the seat is theirs
                yield seatResult(
                        command,
                        holder.isUser(command.user()) ? SeatOutcome.RESERVED : SeatOutcome.ALREADY_RESERVED,
                        holder.reservedFor());
            }
            case RELEASE -> {
                if (holder == null) {
                    yield seatResult(command, SeatOutcome.NOT_RESERVED, null);
                }
                if (!holder.isUser(command.user())) {
                    yield seatResult(command, SeatOutcome.RESERVED_BY_OTHER, holder.reservedFor());
                }
                inventory.put(seat.sku(), seat.withSeat(null));
                yield seatResult(command, SeatOutcome.RELEASED, null);
            }
        };
    }

    private static SeatResult seatResult(
            final SeatCommand command, final SeatOutcome outcome, final String reservedFor) {
        return new SeatResult(command.requestId(), command.seatId(), command.user(), outcome, reservedFor);
    }

    private static LineResult result(
            final ReservationCommand command, final Inventory inventory, final LineOutcome outcome) {
        return new LineResult(
                command.orderId(),
                command.customerId(),
                command.sku(),
                outcome,
                inventory == null ? null : inventory.kind(),
                inventory == null ? null : inventory.name(),
                inventory == null ? BigDecimal.ZERO : inventory.price(),
                command.quantity());
    }
}
