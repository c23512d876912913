package io.purchasepipeline.stores;

import org.apache.kafka.streams.state.HostInfo;

/** Where a key's value was found, or why it was not. */
public sealed interface QueryResult<V> {

    /** Found in a store of this instance. */
    record Found<V>(V value) implements QueryResult<V> {}

    /** The key belongs to another instance. */
    record Elsewhere<V>(HostInfo host) implements QueryResult<V> {}

    /** The key's owner has no value for it. */
    record NotFound<V>() implements QueryResult<V> {}

    /** Nobody can answer now (a rebalance, a store still restoring): ask again shortly. */
    record Unavailable<V>(String reason) implements QueryResult<V> {}
}
