package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The ledger producer's settings. The backoff is what made each email wait: measured side by side
 * by {@code MailBench} on three brokers, 7.5 emails/s per sender at the client's default 100 ms
 * backoff, 41.8 at 5 ms.
 */
class MailSenderSettingsTest {

    @Test
    void theLedgerProducerRetriesAConcurrentTransactionAfterMillisecondsNotTheClientsDefaultTenth() {
        final Properties props = MailSender.transactionalProducerProps(client());
        assertThat(props.get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo("5");
        assertThat(props.get(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG)).isEqualTo("500");
        assertThat(props.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
        assertThat((String) props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).startsWith(MailSender.GROUP_ID + "-");
        assertThat(props.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9999");
    }

    @Test
    void aBackoffInTheClientSettingsIsKeptAndEachSenderHasItsOwnTransactionalId() {
        final Properties client = client();
        client.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        final Properties props = MailSender.transactionalProducerProps(client);
        assertThat(props.get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo("50");
        assertThat(props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG))
                .isNotEqualTo(MailSender.transactionalProducerProps(client).get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    }

    private static Properties client() {
        final Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9999");
        return client;
    }
}
