package io.purchasepipeline.stores;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The customer's task's orders by placement time, for their retention: one key per order kept,
 * {@code <placedAt, 19 digits>:<orderId>}, whose value is the order id. The orders past their
 * retention are then the range from the first key, and forgetting them reads only them. (A sweep of
 * the orders' store by id read every order kept, a batch per second per task, whatever expired:
 * in a profile of the pipeline at its maximum rate, a third of the stream thread deserialising
 * orders it then kept.) Persistent and logged like the orders' store, in the same task, so the two
 * commit together.
 *
 * <p>An orders' store written before this index existed has orders without a key: until a marker
 * key says every order has one, the task adds them a batch at a time ({@link #backfill}).
 */
public final class OrderExpiry {

    /** Sorts after every time key, so no range of them reaches it. */
    static final String INDEXED = "~every-order-indexed";

    private final KeyValueStore<String, String> keys;
    /** The last key taken: the next range starts there, not over the deleted keys before it. In memory. */
    private String takenUpTo;
    /** The last order the backfill indexed (null: from the first). In memory: a restart starts it again. */
    private String backfilledUpTo;

    private boolean indexed;

    public OrderExpiry(final KeyValueStore<String, String> keys) {
        this.keys = keys;
        this.indexed = keys.get(INDEXED) != null;
    }

    static String key(final long placedAt, final String orderId) {
        return String.format("%019d:%s", placedAt, orderId);
    }

    /** Just above every key of orders placed at {@code placedAt}: ';' sorts right after ':'. */
    private static String after(final long placedAt) {
        return String.format("%019d;", placedAt);
    }

    /** A new order, as just stored. */
    public void placed(final OrderState state) {
        final String key = key(state.placedAt(), state.orderId());
        keys.put(key, state.orderId());
        if (takenUpTo != null && key.compareTo(takenUpTo) < 0) {
            // placed before the orders already taken (a clock set back): the next range starts at the first
            takenUpTo = null;
        }
    }

    /**
     * The ids of at most {@code max} orders placed at or before {@code placedBefore}, oldest first,
     * their keys removed.
     */
    public List<String> takePlacedUpTo(final long placedBefore, final int max) {
        final String to = after(placedBefore);
        final List<String> taken = new ArrayList<>();
        if (takenUpTo != null && takenUpTo.compareTo(to) > 0) {
            return taken;
        }
        final List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, String> due = keys.range(takenUpTo, to)) {
            while (due.hasNext() && taken.size() < max) {
                final KeyValue<String, String> entry = due.next();
                done.add(entry.key);
                taken.add(entry.value);
            }
        }
        done.forEach(keys::delete);
        if (!done.isEmpty()) {
            takenUpTo = done.get(done.size() - 1);
        }
        return taken;
    }

    /**
     * Gives keys to at most {@code max} more of the orders stored before this index existed, until
     * every order has one; then writes the marker and does nothing more.
     */
    public void backfill(final KeyValueStore<String, OrderState> orders, final int max) {
        if (indexed) {
            return;
        }
        int seen = 0;
        String last = backfilledUpTo;
        boolean more = false;
        try (KeyValueIterator<String, OrderState> batch = orders.range(backfilledUpTo, null)) {
            while (batch.hasNext()) {
                final KeyValue<String, OrderState> entry = batch.next();
                if (entry.key.equals(backfilledUpTo)) {
                    continue;
                }
                if (seen == max) {
                    more = true;
                    break;
                }
                placed(entry.value);
                last = entry.key;
                seen++;
            }
        }
        backfilledUpTo = last;
        if (!more) {
            keys.put(INDEXED, "yes");
            indexed = true;
        }
    }

    public boolean indexed() {
        return indexed;
    }
}
