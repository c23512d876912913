package io.purchasepipeline.serdes;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic with the serdes of its keys and values, so that no reader or writer picks its own. */
public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde, Class<V> valueType) {

    static <V> Topic<V> json(final String name, final Class<V> valueType) {
        return new Topic<>(name, Serdes.String(), JsonSerde.of(valueType), valueType);
    }

    public Consumed<String, V> consumed() {
        return Consumed.with(keySerde, valueSerde).withName(name + "-source");
    }

    /** {@code by} names the step that writes, as one topic can have several writers in one topology. */
    public Produced<String, V> produced(final String by) {
        return Produced.with(keySerde, valueSerde).withName(by + "-to-" + name);
    }
}
