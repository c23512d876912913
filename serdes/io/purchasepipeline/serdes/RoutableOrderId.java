package io.purchasepipeline.serdes;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;

/**
 * Order ids that say where their order lives. An order lives in the task of its customer (the
 * partition of its customer id on {@code orders}), so an id ends with the customer id's murmur2
 * hash, the same hash Kafka's default partitioner takes: {@code <base>-<8 hex digits>}. Any
 * instance finds an order's partition from its id alone, for any partition count, with no lookup
 * topic and no broadcast. Clients treat the id as an opaque string.
 */
public final class RoutableOrderId {

    private static final Pattern SUFFIX = Pattern.compile(".+-[0-9a-f]{8}");
    private static final int SUFFIX_LENGTH = 9;

    private RoutableOrderId() {}

    /** A new random id for an order of {@code customerId}. */
    public static String random(final String customerId) {
        return of(UUID.randomUUID().toString(), customerId);
    }

    /**
     * The id of the order {@code customerId} places with {@code idempotencyKey}: the same on every
     * instance and for every retry, so a retried request names the order it placed before, and a
     * client that sent the key knows the id before any answer.
     */
    public static String keyed(final String customerId, final String idempotencyKey) {
        return of(
                UUID.nameUUIDFromBytes(("order/" + customerId + "/" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
                        .toString(),
                customerId);
    }

    /** {@code base} made routable to {@code customerId}'s partition. */
    public static String of(final String base, final String customerId) {
        return base + "-" + String.format("%08x", hash(customerId));
    }

    /** The part before the routing suffix, or the id itself when it has none. */
    public static String base(final String orderId) {
        return routable(orderId) ? orderId.substring(0, orderId.length() - SUFFIX_LENGTH) : orderId;
    }

    public static boolean routable(final String orderId) {
        return orderId != null && SUFFIX.matcher(orderId).matches();
    }

    /** The partition of the order's customer among {@code partitions}, or empty for an id without the suffix. */
    public static OptionalInt partition(final String orderId, final int partitions) {
        if (!routable(orderId)) {
            return OptionalInt.empty();
        }
        final int hash = Integer.parseUnsignedInt(orderId.substring(orderId.length() - 8), 16);
        return OptionalInt.of(Utils.toPositive(hash) % partitions);
    }

    /** Whether {@code orderId} routes to the partition of {@code customerId}. */
    public static boolean belongsTo(final String orderId, final String customerId) {
        return routable(orderId) && orderId.endsWith("-" + String.format("%08x", hash(customerId)));
    }

    private static int hash(final String customerId) {
        return Utils.murmur2(customerId.getBytes(StandardCharsets.UTF_8));
    }
}
