package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void usesTheHeaderNamesOfKafkaStreams() {
        assertThat(DeadLetters.EXCEPTION).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME);
        assertThat(DeadLetters.MESSAGE).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME);
        assertThat(DeadLetters.STACKTRACE).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME);
        assertThat(DeadLetters.TOPIC).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME);
        assertThat(DeadLetters.PARTITION).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME);
        assertThat(DeadLetters.OFFSET).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME);
    }

    @Test
    void keepsTheRecordAsItWasReadAndAddsWhyAndWhere() {
        final RecordHeaders headers = new RecordHeaders();
        headers.add("correlation-id", "req-9".getBytes(StandardCharsets.UTF_8));
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                Topics.EMAILS.name(),
                2,
                41L,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                5,
                9,
                bytes("email"),
                bytes("{not json"),
                headers,
                Optional.empty());

        final ProducerRecord<byte[], byte[]> letter =
                DeadLetters.of(record, new SerializationException("not an email"));

        assertThat(letter.topic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(letter.partition()).isNull();
        assertThat(letter.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(letter.key()).isEqualTo(bytes("email"));
        assertThat(letter.value()).isEqualTo(bytes("{not json"));
        final Map<String, String> written = Arrays.stream(letter.headers().toArray())
                .collect(Collectors.toMap(Header::key, header -> new String(header.value(), StandardCharsets.UTF_8)));
        assertThat(written)
                .containsEntry("correlation-id", "req-9")
                .containsEntry(DeadLetters.EXCEPTION, SerializationException.class.getName())
                .containsEntry(DeadLetters.MESSAGE, "not an email")
                .containsEntry(DeadLetters.TOPIC, Topics.EMAILS.name())
                .containsEntry(DeadLetters.PARTITION, "2")
                .containsEntry(DeadLetters.OFFSET, "41");
        assertThat(written.get(DeadLetters.STACKTRACE))
                .startsWith(SerializationException.class.getName() + ": not an email")
                .contains("\tat ");
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
