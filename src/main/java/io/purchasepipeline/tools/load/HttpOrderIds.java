package io.purchasepipeline.tools.load;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of a run's orders placed over HTTP. The API names an order from its customer and the
 * {@code Idempotency-Key} the client sends ({@link RoutableOrderId#keyed}), so the run knows each
 * id before it sends the order and matches an end read on {@code order-events} to its order
 * whichever comes first, the answer or the end. Unlike {@link OrderIds} the id does not carry the
 * sequence number: every id placed is remembered for the run (a hundred-odd bytes each), so that a
 * second end of an order is still told from another run's.
 */
public final class HttpOrderIds implements RunIds {

    private final OrderMix mix;
    private final Map<String, Long> seqs = new ConcurrentHashMap<>();

    public HttpOrderIds(final OrderMix mix) {
        this.mix = mix;
    }

    /** The key order {@code seq} is sent with: unique to the run and the order, as a storefront's cart id is. */
    String idempotencyKey(final long seq) {
        return mix.correlationId(seq);
    }

    /** The id the API gives order {@code seq}, from now on matched to it. Call before the order is sent. */
    String expect(final long seq) {
        final String id = id(seq);
        seqs.put(id, seq);
        return id;
    }

    @Override
    public long seq(final String orderId) {
        final Long seq = orderId == null ? null : seqs.get(orderId);
        return seq == null ? -1 : seq;
    }

    @Override
    public String id(final long seq) {
        return RoutableOrderId.keyed(mix.customerId(seq), idempotencyKey(seq));
    }
}
