package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.stores.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps every instance's global copy of the applied product definitions (the fraud check's prices). */
final class CatalogReplica implements Processor<String, Product, Void, Void> {

    private KeyValueStore<String, Product> catalog;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.catalog = context.getStateStore(StoreNames.PRODUCT_CATALOG);
    }

    @Override
    public void process(final Record<String, Product> record) {
        if (record.value() == null) {
            catalog.delete(record.key());
        } else {
            catalog.put(record.key(), record.value());
        }
    }
}
