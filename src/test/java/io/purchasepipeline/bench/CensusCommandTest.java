package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How the census command reads the app's metrics and its own snapshot files (no Kafka involved). */
class CensusCommandTest {

    @Test
    void sumsTheSendTotalsOfTheStreamThreadProducersOnly() {
        final String scrape = """
                # HELP kafka_producer_record_send_total The total number of records sent.
                # TYPE kafka_producer_record_send_total counter
                kafka_producer_record_send_total{client_id="purchase-pipeline-1-StreamThread-1-producer",kafka_version="4.3.1"} 1200.0
                kafka_producer_record_send_total{client_id="purchase-pipeline-1-StreamThread-2-producer",kafka_version="4.3.1"} 34.0
                kafka_producer_record_send_total{client_id="purchase-pipeline-mail-producer",kafka_version="4.3.1"} 99.0
                kafka_producer_topic_record_send_total{client_id="purchase-pipeline-1-StreamThread-1-producer",topic="orders"} 7.0
                """;
        assertThat(CensusCommand.streamThreadSendTotal(scrape)).isEqualTo(1234.0);
    }

    @Test
    void aSnapshotFileReadsBackAsTheSnapshot() throws Exception {
        final var json = new ObjectMapper().readTree("""
                {"at": "2026-12-06T10:00:00Z", "end_offsets": {"orders:0": 12, "my:topic:3": 7}}
                """);
        final RecordCensus.Snapshot snapshot = CensusCommand.snapshotOf(json);
        assertThat(snapshot.endOffsets())
                .isEqualTo(Map.of(new TopicPartition("orders", 0), 12L, new TopicPartition("my:topic", 3), 7L));
    }
}
