package io.purchasepipeline.tools.load;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.util.UUID;

/**
 * The order ids of one load run: a UUID whose first half names the run and whose second half is
 * the order's sequence number, made routable to the customer's partition ({@link RoutableOrderId}). An event on {@code order-events} is matched to its order from its
 * key alone, without a map of every id sent, and events of other runs or of the storefront are
 * told apart at once.
 */
public final class OrderIds implements RunIds {

    /** {@code xxxxxxxx-xxxx-xxxx-}: the part of the UUID's text that the run's half fills. */
    private static final int RUN_PART = 19;

    private final long run;
    private final String prefix;

    public OrderIds(final long run) {
        this.run = run;
        this.prefix = new UUID(run, 0).toString().substring(0, RUN_PART);
    }

    /** Eight hex digits naming the run, for the names of its customers and seats. */
    public String runTag() {
        return prefix.substring(0, 8);
    }

    /** The order's id without its routing suffix: enough to name it in a report. */
    @Override
    public String id(final long seq) {
        return new UUID(run, seq).toString();
    }

    /** The order's id, routable to its customer's partition as the storefront's are. */
    String id(final long seq, final String customerId) {
        return RoutableOrderId.of(id(seq), customerId);
    }

    @Override
    public long seq(final String id) {
        final String orderId = id == null ? null : RoutableOrderId.base(id);
        if (orderId == null || orderId.length() != 36 || !orderId.startsWith(prefix) || orderId.charAt(23) != '-') {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(orderId.substring(RUN_PART, 23) + orderId.substring(24), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
