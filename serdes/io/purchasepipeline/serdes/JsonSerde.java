package io.purchasepipeline.serdes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one serde for every event and store value: JSON through Jackson. Null in gives null out (a
 * tombstone stays a tombstone); bytes that are not the expected JSON raise
 * {@link SerializationException}, so the configured deserialization handler can send the record
 * to {@code dead-letters} instead of stopping the stream thread.
 */
public final class JsonSerde<T> implements Serde<T> {

    /** The events' mapper ({@link JsonMappers#events()}), for anyone who reads or writes the same JSON outside a serde. */
    public static final ObjectMapper MAPPER = JsonMappers.events();

    private final JavaType type;

    private JsonSerde(final JavaType type) {
        this.type = type;
    }

    public static <T> JsonSerde<T> of(final Class<T> type) {
        return new JsonSerde<>(MAPPER.constructType(type));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return MAPPER.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new SerializationException("Cannot write " + type + " for topic " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                final T value = MAPPER.readValue(bytes, type);
                if (value == null) {
                    throw new SerializationException("Payload on " + topic + " is JSON null, not " + type);
                }
                return value;
            } catch (JsonProcessingException e) {
                throw new SerializationException(
                        "Payload on " + topic + " is not a valid " + type + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new SerializationException("Payload on " + topic + " cannot be read as " + type, e);
            }
        };
    }
}
