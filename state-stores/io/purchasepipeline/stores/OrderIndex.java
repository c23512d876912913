package io.purchasepipeline.stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What the customer's task looks up by time, derived from the orders it keeps: the open orders by
 * placement (hold expiry), the payment operations to ask again by due time, and each customer's
 * orders of the velocity window. Held in memory only: everything in it is in the orders' states
 * ({@code placedAt}, the payment's {@code retryAt}, {@code orderedAt}), so it needs no changelog,
 * and {@link #rebuild} makes it again from them whenever the task starts.
 *
 * <p>An entry may outlive what it stands for (an order that ended, a retry moved to a later time):
 * whoever takes an entry checks it against the order's state.
 */
public final class OrderIndex {

    /** A time and the order it is for; sorted by time, then order id. */
    public record Timed(long at, String orderId, String customerId) implements Comparable<Timed> {
        @Override
        public int compareTo(final Timed other) {
            final int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : orderId.compareTo(other.orderId);
        }
    }

    private final long velocityWindow;
    /** How far behind the latest order time the velocity entries are kept (the window store's retention was twice the window). */
    private final long velocityRetention;

    private final NavigableSet<Timed> open = new TreeSet<>();
    private final NavigableSet<Timed> retries = new TreeSet<>();
    private final NavigableSet<Timed> ordered = new TreeSet<>();
    private final Map<String, NavigableSet<Timed>> orderedByCustomer = new HashMap<>();
    private long latestOrderedAt = Long.MIN_VALUE;

    public OrderIndex(final Duration velocityWindow) {
        this.velocityWindow = velocityWindow.toMillis();
        this.velocityRetention = velocityWindow.multipliedBy(2).toMillis();
    }

    public void clear() {
        open.clear();
        retries.clear();
        ordered.clear();
        orderedByCustomer.clear();
        latestOrderedAt = Long.MIN_VALUE;
    }

    /** Indexes every order of a task that starts: one pass over its orders, whatever their number. */
    public void rebuild(final Iterator<OrderState> orders) {
        clear();
        final List<Timed> times = new ArrayList<>();
        while (orders.hasNext()) {
            final OrderState state = orders.next();
            placed(state);
            latestOrderedAt = Math.max(latestOrderedAt, state.orderedAt());
            if (keptForVelocity(state.orderedAt())) {
                times.add(orderTime(state));
            }
        }
        // as counted before the task stopped: every order is in the velocity window's store, less those past its
        // retention
        for (final Timed time : times) {
            if (keptForVelocity(time.at())) {
                addOrdered(time);
            }
        }
    }

    /** A new order, as just written: while it is open, its hold expiry is due from its placement. */
    public void placed(final OrderState state) {
        if (!state.ended()) {
            open.add(placement(state));
        }
        track(state);
    }

    /** An order's state as it was just written: an order that ended leaves the open ones; a retry now due is added. */
    public void track(final OrderState state) {
        if (state.ended()) {
            open.remove(placement(state));
        }
        final Long retryAt = state.payment().retryAt();
        if (state.payment().pending() != null && retryAt != null) {
            retries.add(new Timed(retryAt, state.orderId(), state.customerId()));
        }
    }

    /** Forgets an order past its retention. */
    public void forget(final OrderState state) {
        open.remove(placement(state));
        final Timed time = orderTime(state);
        if (ordered.remove(time)) {
            removeFromCustomer(time);
        }
    }

    /** The open orders placed at or before {@code placedBefore}, taken out of the index. */
    public List<String> takeOpenPlacedBefore(final long placedBefore) {
        return take(open, placedBefore);
    }

    /** The payment retries due at or before {@code now}, taken out of the index. */
    public List<Timed> takeRetriesDue(final long now) {
        final List<Timed> due = new ArrayList<>();
        while (!retries.isEmpty() && retries.first().at() <= now) {
            due.add(retries.pollFirst());
        }
        return due;
    }

    /**
     * Counts a new order of {@code customerId} at {@code orderedAt} (record time) and returns how
     * many of the customer's orders fall inside the velocity window ending then, this one included.
     * An order later than the latest by more than the retention is not kept, as the window store
     * this replaces did not keep it.
     */
    public int countOrder(final String customerId, final String orderId, final long orderedAt) {
        latestOrderedAt = Math.max(latestOrderedAt, orderedAt);
        if (keptForVelocity(orderedAt)) {
            addOrdered(new Timed(orderedAt, orderId, customerId));
        }
        while (!ordered.isEmpty() && !keptForVelocity(ordered.first().at())) {
            removeFromCustomer(ordered.pollFirst());
        }
        final NavigableSet<Timed> mine = orderedByCustomer.get(customerId);
        if (mine == null) {
            return 0;
        }
        return mine.subSet(
                        new Timed(orderedAt - velocityWindow + 1, "", customerId),
                        true,
                        new Timed(orderedAt + 1, "", customerId),
                        false)
                .size();
    }

    /** How many entries the index holds: open orders, retries, velocity entries. */
    public int size() {
        return open.size() + retries.size() + ordered.size();
    }

    private boolean keptForVelocity(final long orderedAt) {
        return orderedAt > latestOrderedAt - velocityRetention;
    }

    private void addOrdered(final Timed time) {
        ordered.add(time);
        orderedByCustomer
                .computeIfAbsent(time.customerId(), customer -> new TreeSet<>())
                .add(time);
    }

    private void removeFromCustomer(final Timed time) {
        final NavigableSet<Timed> mine = orderedByCustomer.get(time.customerId());
        if (mine != null) {
            mine.remove(time);
            if (mine.isEmpty()) {
                orderedByCustomer.remove(time.customerId());
            }
        }
    }

    private static Timed placement(final OrderState state) {
        return new Timed(state.placedAt(), state.orderId(), state.customerId());
    }

    private static Timed orderTime(final OrderState state) {
        return new Timed(state.orderedAt(), state.orderId(), state.customerId());
    }

    private static List<String> take(final NavigableSet<Timed> index, final long upTo) {
        final List<String> due = new ArrayList<>();
        while (!index.isEmpty() && index.first().at() <= upTo) {
            due.add(index.pollFirst().orderId());
        }
        return due;
    }
}
