package io.purchasepipeline.instance;

import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.Tracing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What one instance is started with, built by name so that no two paths or hosts can be swapped:
 * {@code InstanceSettings.on(kafka, settings).storage(...).http(...).payments(...).mail(...).build()}.
 *
 * @param clientSettings extra settings (security, streams overrides, {@code pipeline.*} rules)
 * @param stateDir this instance's own RocksDB directory
 * @param dataDir where outputs live: the e-books under {@code ebooks/}
 * @param httpHost the address the endpoint binds to
 * @param advertised how other instances reach this one's endpoint ({@code application.server})
 * @param access who may use the operator routes, who a customer is, how often one client may write
 * @param gateway what this instance's payment worker asks; null runs none in this instance (the
 *        payments are left to {@code worker payment} processes)
 * @param mail where the mail sender delivers the emails: a mail server or the outbox
 * @param onState told of the streams app's state changes (set before it starts)
 * @param kafka what is known of Kafka's availability (the embedded broker's supervisor knows it)
 * @param tracing where the spans of each role go (the caller closes it, after the instance)
 */
public record InstanceSettings(
        String bootstrapServers,
        Map<String, String> clientSettings,
        Path stateDir,
        Path dataDir,
        String httpHost,
        HostInfo advertised,
        HttpAccess access,
        PaymentGateway gateway,
        PaymentWorker.Settings payments,
        MailSettings mail,
        KafkaStreams.StateListener onState,
        KafkaAvailability kafka,
        Tracing tracing) {

    public InstanceSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(advertised, "advertised");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(payments, "payments");
        Objects.requireNonNull(mail, "mail");
        Objects.requireNonNull(onState, "onState");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(tracing, "tracing");
        clientSettings = Map.copyOf(clientSettings);
    }

    /** Starts the settings of an instance on {@code bootstrapServers}; no state listener, Kafka assumed there, no tracing. */
    public static Builder on(final String bootstrapServers, final Map<String, String> clientSettings) {
        return new Builder(bootstrapServers, clientSettings);
    }

    /** Settings by name; {@link #build()} says what is missing. */
    public static final class Builder {

        private final String bootstrapServers;
        private final Map<String, String> clientSettings;
        private Path stateDir;
        private Path dataDir;
        private String httpHost;
        private HostInfo advertised;
        private HttpAccess access;
        private boolean paymentsChosen;
        private PaymentGateway gateway;
        private PaymentWorker.Settings payments = PaymentWorker.Settings.DEFAULT;
        private MailSettings mail;
        private KafkaStreams.StateListener onState = (next, previous) -> {};
        private KafkaAvailability kafka = KafkaAvailability.ASSUMED;
        private Tracing tracing = Tracing.off();

        private Builder(final String bootstrapServers, final Map<String, String> clientSettings) {
            this.bootstrapServers = bootstrapServers;
            this.clientSettings = clientSettings;
        }

        public Builder storage(final Path stateDir, final Path dataDir) {
            this.stateDir = stateDir;
            this.dataDir = dataDir;
            return this;
        }

        public Builder http(final String httpHost, final HostInfo advertised, final HttpAccess access) {
            this.httpHost = httpHost;
            this.advertised = advertised;
            this.access = access;
            return this;
        }

        /** The gateway, with the worker's default concurrency and call timeout. */
        public Builder payments(final PaymentGateway gateway) {
            return payments(gateway, PaymentWorker.Settings.DEFAULT);
        }

        /** @param gateway null: no payment worker in this instance */
        public Builder payments(final PaymentGateway gateway, final PaymentWorker.Settings payments) {
            this.paymentsChosen = true;
            this.gateway = gateway;
            this.payments = payments;
            return this;
        }

        public Builder mail(final MailSettings mail) {
            this.mail = mail;
            return this;
        }

        public Builder onState(final KafkaStreams.StateListener onState) {
            this.onState = onState;
            return this;
        }

        public Builder kafka(final KafkaAvailability kafka) {
            this.kafka = kafka;
            return this;
        }

        public Builder tracing(final Tracing tracing) {
            this.tracing = tracing;
            return this;
        }

        /** @throws IllegalArgumentException naming what is missing */
        public InstanceSettings build() {
            final List<String> missing = new ArrayList<>();
            if (bootstrapServers == null) {
                missing.add("the bootstrap servers");
            }
            if (stateDir == null || dataDir == null) {
                missing.add("storage");
            }
            if (httpHost == null || advertised == null || access == null) {
                missing.add("http");
            }
            if (!paymentsChosen || payments == null) {
                missing.add("payments");
            }
            if (mail == null) {
                missing.add("mail");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("An instance needs " + String.join(", ", missing));
            }
            return new InstanceSettings(
                    bootstrapServers,
                    clientSettings,
                    stateDir,
                    dataDir,
                    httpHost,
                    advertised,
                    access,
                    gateway,
                    payments,
                    mail,
                    onState,
                    kafka,
                    tracing);
        }
    }
}
