package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.runtime.KafkaClients;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The ledger producer's settings: a worker's transactional producer, its id its own. */
class MailSenderSettingsTest {

    private final KafkaClients clients = KafkaClients.of(connection());

    @Test
    void theLedgerProducerIsTransactionalWithinTheLedgersTimeout() {
        final Properties props = MailKafka.ledgerProducerProps(clients);

        assertThat((String) props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).startsWith(MailSender.GROUP_ID + "-");
        assertThat(props.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))
                .isEqualTo((int) OutcomeLedger.TRANSACTION_TIMEOUT.toMillis());
        assertThat(props.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9999");
    }

    @Test
    void eachSenderHasItsOwnTransactionalId() {
        assertThat(MailKafka.ledgerProducerProps(clients).get(ProducerConfig.TRANSACTIONAL_ID_CONFIG))
                .isNotEqualTo(MailKafka.ledgerProducerProps(clients).get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    }

    private static Properties connection() {
        final Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9999");
        return client;
    }
}
