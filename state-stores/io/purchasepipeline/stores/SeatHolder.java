package io.purchasepipeline.stores;

/**
 * Who holds a seat: an order (through a HOLD) or a user (through the seat routes).
 * {@code reservedFor} is what the seat view shows: the user, or the ordering customer.
 */
public record SeatHolder(Type type, String id, String reservedFor, boolean sold) {

    public enum Type {
        ORDER,
        USER
    }

    public static SeatHolder order(final String orderId, final String customerId) {
        return new SeatHolder(Type.ORDER, orderId, customerId, false);
    }

    public static SeatHolder user(final String user) {
        return new SeatHolder(Type.USER, user, user, false);
    }

    public boolean isOrder(final String orderId) {
        return type == Type.ORDER && id.equals(orderId);
    }

    public boolean isUser(final String user) {
        return type == Type.USER && id.equals(user);
    }

    public SeatHolder sell() {
        return new SeatHolder(type, id, reservedFor, true);
    }
}
