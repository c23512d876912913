package io.purchasepipeline.stores;

import java.util.List;
import org.apache.kafka.streams.KeyValue;

/**
 * One page of a store's entries in key order; {@code next} is the last key looked at when more may
 * follow (the next page starts after it), null when the range is exhausted.
 */
public record StorePage<V>(List<KeyValue<String, V>> entries, String next) {

    public StorePage {
        entries = List.copyOf(entries);
    }
}
