package io.purchasepipeline.verify;

/**
 * Where a record sits: topic, partition and offset. A dead letter names its source record this
 * way, which is how {@code verify} tells a dead-lettered order from an accepted one.
 */
public record RecordPosition(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
