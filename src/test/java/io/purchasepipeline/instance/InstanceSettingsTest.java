package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.KafkaAvailability;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** An instance's settings are given by name, and an incomplete set is refused before anything starts. */
class InstanceSettingsTest {

    private static final Path DATA = Path.of("data");

    @Test
    void whatIsNotGivenTakesItsDefault() {
        final InstanceSettings settings = complete().build();

        assertThat(settings.payments()).isEqualTo(PaymentWorker.Settings.DEFAULT);
        assertThat(settings.kafka()).isSameAs(KafkaAvailability.ASSUMED);
        assertThat(settings.tracing()).isNotNull();
        assertThat(settings.stateDir()).isEqualTo(DATA.resolve("state"));
        assertThat(settings.advertised()).isEqualTo(new HostInfo("pipeline-1", 7070));
    }

    @Test
    void theClientSettingsAreCopiedSoALaterChangeDoesNotReachTheInstance() {
        final Map<String, String> given = new HashMap<>(Map.of("security.protocol", "SSL"));
        final InstanceSettings settings = InstanceSettings.on("kafka:9092", given)
                .storage(DATA.resolve("state"), DATA)
                .http("0.0.0.0", new HostInfo("pipeline-1", 7070), HttpAccess.open())
                .payments(new PaymentSimulator())
                .mail(MailSettings.outbox(DATA.resolve("outbox")))
                .build();

        given.put("security.protocol", "PLAINTEXT");

        assertThat(settings.clientSettings()).containsExactly(Map.entry("security.protocol", "SSL"));
    }

    @Test
    void anIncompleteSetSaysWhatIsMissing() {
        assertThatThrownBy(() -> InstanceSettings.on("kafka:9092", Map.of())
                        .http("0.0.0.0", new HostInfo("pipeline-1", 7070), HttpAccess.open())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("An instance needs storage, payments, mail");
    }

    @Test
    void aNullGatewayIsAChoiceNoPaymentWorkerHereButNoPaymentsAtAllIsMissing() {
        final InstanceSettings settings =
                complete().payments(null, PaymentWorker.Settings.DEFAULT).build();

        assertThat(settings.gateway()).isNull();
        assertThatThrownBy(() -> InstanceSettings.on("kafka:9092", Map.of())
                        .storage(DATA.resolve("state"), DATA)
                        .http("0.0.0.0", new HostInfo("pipeline-1", 7070), HttpAccess.open())
                        .mail(MailSettings.outbox(DATA.resolve("outbox")))
                        .build())
                .hasMessage("An instance needs payments");
    }

    private static InstanceSettings.Builder complete() {
        return InstanceSettings.on("kafka:9092", Map.of())
                .storage(DATA.resolve("state"), DATA)
                .http("0.0.0.0", new HostInfo("pipeline-1", 7070), HttpAccess.open())
                .payments(new PaymentSimulator())
                .mail(MailSettings.outbox(DATA.resolve("outbox")));
    }
}
