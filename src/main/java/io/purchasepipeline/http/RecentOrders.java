package io.purchasepipeline.http;

import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest orders and how many orders ended per second in each terminal state, made from order
 * events as they are read. Bounded both ways: at most {@code capacity} orders (the first seen go
 * first) and the last {@link #SECONDS_KEPT} seconds of ends, whatever the traffic.
 */
final class RecentOrders {

    /** How far back the ends per second go. */
    static final int SECONDS_KEPT = 300;

    static final List<OrderStatus> TERMINAL =
            Arrays.stream(OrderStatus.values()).filter(OrderStatus::terminal).toList();

    /** One order as the latest-orders list shows it: where it stands, since when. */
    record Summary(String orderId, OrderStatus status, int seq, long placedAt, long updatedAt, String detail) {}

    /** Orders ended per second in each terminal state, for the seconds {@code [until - seconds, until)}. */
    record EndedPerSecond(long until, int seconds, Map<OrderStatus, long[]> counts) {}

    /**
     * What {@code GET /orders} answers: the latest orders (newest first), the ends per second, and
     * the time of the oldest event read (null before the first).
     */
    record View(List<Summary> orders, EndedPerSecond endedPerSecond, Long since) {}

    private final int capacity;
    private final LinkedHashMap<String, Summary> orders = new LinkedHashMap<>();
    /** Ended orders by epoch second, in a ring indexed by second modulo its length. */
    private final long[] slotSecond = new long[SECONDS_KEPT];

    private final long[][] slotCounts = new long[SECONDS_KEPT][TERMINAL.size()];
    private long since = -1;

    RecentOrders(final int capacity) {
        this.capacity = capacity;
        Arrays.fill(slotSecond, -1);
    }

    synchronized void apply(final OrderEvent event) {
        if (since < 0 || event.at() < since) {
            since = event.at();
        }
        final Summary known = orders.get(event.orderId());
        if (known == null) {
            orders.put(
                    event.orderId(),
                    new Summary(event.orderId(), event.status(), event.seq(), event.at(), event.at(), event.detail()));
            if (orders.size() > capacity) {
                final Iterator<String> eldest = orders.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        } else if (event.seq() > known.seq()) {
            orders.put(
                    event.orderId(),
                    new Summary(
                            known.orderId(),
                            event.status(),
                            event.seq(),
                            known.placedAt(),
                            event.at(),
                            event.detail()));
        }
        if (event.status().terminal()) {
            countEnd(event.status(), Math.floorDiv(event.at(), 1000));
        }
    }

    private void countEnd(final OrderStatus status, final long second) {
        final int slot = (int) Math.floorMod(second, SECONDS_KEPT);
        if (slotSecond[slot] > second) {
            // older than every second kept
            return;
        }
        if (slotSecond[slot] < second) {
            slotSecond[slot] = second;
            Arrays.fill(slotCounts[slot], 0);
        }
        slotCounts[slot][TERMINAL.indexOf(status)]++;
    }

    /**
     * The {@code limit} latest orders, newest first, and the ends of the {@code seconds} seconds up
     * to and including the one of {@code now}.
     */
    synchronized View view(final int limit, final int seconds, final long now) {
        final List<Summary> latest = new ArrayList<>(Math.min(limit, orders.size()));
        final List<Summary> all = new ArrayList<>(orders.values());
        for (int i = all.size() - 1; i >= 0 && latest.size() < limit; i--) {
            latest.add(all.get(i));
        }
        final long until = Math.floorDiv(now, 1000) + 1;
        final Map<OrderStatus, long[]> counts = new EnumMap<>(OrderStatus.class);
        TERMINAL.forEach(status -> counts.put(status, new long[seconds]));
        for (int i = 0; i < seconds; i++) {
            final long second = until - seconds + i;
            final int slot = (int) Math.floorMod(second, SECONDS_KEPT);
            if (slotSecond[slot] == second) {
                for (int s = 0; s < TERMINAL.size(); s++) {
                    counts.get(TERMINAL.get(s))[i] = slotCounts[slot][s];
                }
            }
        }
        return new View(latest, new EndedPerSecond(until, seconds, counts), since < 0 ? null : since);
    }
}
