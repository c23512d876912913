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
    private final KeyValueStore<String, Hold> holds;

    public InventoryLedger(final KeyValueStore<String, Inventory> inventory, final KeyValueStore<String, Hold> holds) {
        this.inventory = inventory;
        this.holds = holds;
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
        require(product.kind() != ProductKind.PHYSICAL || product.stock() != null && product.stock() >= 0,
                "PHYSICAL product " + sku + " needs a stock >= 0");
        require(current == null || current.kind() == product.kind() || current.held() + current.sold() == 0,
                "SKU " + sku + " cannot change kind while units are held or sold");

        final Inventory next = switch (product.kind()) {
            case PHYSICAL -> {
                final long held = current == null ? 0 : current.held();
                final long sold = current == null ? 0 : current.sold();
                final long stocked = Math.max(product.stock(), held + sold);
                if (stocked != product.stock()) {
                    log.warn("Stock of {} set to {} but {} are held or sold: nothing more will be sold", sku,
                            product.stock(), held + sold);
                }
                yield new Inventory(sku, product.name(), product.kind(), product.price(), stocked,
                        stocked - held - sold, held, sold, null);
            }
            case SEAT -> new Inventory(sku, product.name(), product.kind(), product.price(), 0, 0, 0, 0, null)
                    .withSeat(current == null ? null : current.seatHolder());
            case DIGITAL -> new Inventory(sku, product.name(), product.kind(), product.price(), 0, 0,
                    current == null ? 0 : current.held(), current == null ? 0 : current.sold(), null);
        };
        inventory.put(sku, next);
        return next;
    }

    /** Holds one order line; a repeated HOLD gets the first answer again and holds nothing more. */
    public LineResult hold(final ReservationCommand command) {
        final String key = Hold.key(command.sku(), command.orderId());
        final Hold existing = holds.get(key);
        final Inventory current = inventory.get(command.sku());
        if (existing != null) {
            if (existing.state() == HoldState.FENCED) {
                holds.delete(key);
                return result(command, current, LineOutcome.ORDER_CLOSED);
            }
            return result(command, current, existing.outcome());
        }
        final LineOutcome outcome = tryHold(command, current);
        holds.put(key, new Hold(command.orderId(), command.sku(), command.quantity(),
                outcome.held() ? HoldState.HELD : HoldState.REFUSED, outcome));
        return result(command, inventory.get(command.sku()), outcome);
    }

    private LineOutcome tryHold(final ReservationCommand command, final Inventory current) {
        if (current == null) {
            return LineOutcome.UNKNOWN_SKU;
        }
        final int quantity = command.quantity();
        if (quantity <= 0 || current.kind() == ProductKind.SEAT && quantity != 1) {
            return LineOutcome.INVALID_QUANTITY;
        }
        switch (current.kind()) {
            case PHYSICAL -> {
                if (current.available() < quantity) {
                    return LineOutcome.OUT_OF_STOCK;
                }
                inventory.put(current.sku(), current.withCounts(current.available() - quantity,
                        current.held() + quantity, current.sold()));
            }
            case SEAT -> {
                if (current.seatHolder() != null) {
                    return LineOutcome.SEAT_TAKEN;
                }
                inventory.put(current.sku(), current.withSeat(SeatHolder.order(command.orderId(), command.customerId())));
            }
            case DIGITAL -> inventory.put(current.sku(),
                    current.withCounts(current.available(), current.held() + quantity, current.sold()));
        }
        return LineOutcome.HELD;
    }

    /** Turns a held line into a sale; does nothing when the line is not held (already confirmed). */
    public void confirm(final ReservationCommand command) {
        final String key = Hold.key(command.sku(), command.orderId());
        final Hold hold = holds.get(key);
        if (hold == null || hold.state() != HoldState.HELD) {
            log.debug("Confirm of {} for order {} ignored: nothing held", command.sku(), command.orderId());
            return;
        }
        final Inventory current = inventory.get(command.sku());
        if (current != null) {
            inventory.put(current.sku(), switch (current.kind()) {
                case SEAT -> current.seatHolder() != null && current.seatHolder().isOrder(command.orderId())
                        ? current.withSeat(current.seatHolder().sell()) : current;
                case PHYSICAL, DIGITAL -> current.withCounts(current.available(),
                        current.held() - hold.quantity(), current.sold() + hold.quantity());
            });
        }
        holds.delete(key);
    }

    /**
     * Gives a held line back. A release that finds no hold leaves a fence, so that a HOLD still on
     * its way (the order expired first) is refused instead of holding stock forever.
     */
    public void release(final ReservationCommand command) {
        final String key = Hold.key(command.sku(), command.orderId());
        final Hold hold = holds.get(key);
        if (hold == null) {
            holds.put(key, new Hold(command.orderId(), command.sku(), 0, HoldState.FENCED, LineOutcome.ORDER_CLOSED));
            return;
        }
        if (hold.state() == HoldState.HELD) {
            final Inventory current = inventory.get(command.sku());
            if (current != null) {
                inventory.put(current.sku(), switch (current.kind()) {
                    case SEAT -> current.seatHolder() != null && current.seatHolder().isOrder(command.orderId())
                            && !current.seatHolder().sold() ? current.withSeat(null) : current;
                    case PHYSICAL -> current.withCounts(current.available() + hold.quantity(),
                            current.held() - hold.quantity(), current.sold());
                    case DIGITAL -> current.withCounts(current.available(), current.held() - hold.quantity(),
                            current.sold());
                });
            }
        }
        if (hold.state() != HoldState.FENCED) {
            holds.delete(key);
        }
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
                yield seatResult(command, holder.isUser(command.user()) ? SeatOutcome.RESERVED
                        : SeatOutcome.ALREADY_RESERVED, holder.reservedFor());
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

    private static SeatResult seatResult(final SeatCommand command, final SeatOutcome outcome, final String reservedFor) {
        return new SeatResult(command.requestId(), command.seatId(), command.user(), outcome, reservedFor);
    }

    private static LineResult result(final ReservationCommand command, final Inventory inventory,
            final LineOutcome outcome) {
        return new LineResult(command.orderId(), command.sku(), outcome,
                inventory == null ? null : inventory.kind(),
                inventory == null ? null : inventory.name(),
                inventory == null ? BigDecimal.ZERO : inventory.price(),
                command.quantity());
    }
}
