package io.purchasepipeline.cli;

import io.purchasepipeline.payment.HttpPaymentGateway;
import io.purchasepipeline.payment.PaymentCalls;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.PaymentWorker;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The payment worker's options and its gateway's, shared by {@code run} and {@code worker payment}:
 * a payment provider's HTTP API ({@link HttpPaymentGateway}) when {@code --payment-gateway-url} is
 * given, otherwise the built-in simulator, which the {@code --payment-latency}, {@code -jitter} and
 * {@code -timeout-share} options shape.
 */
final class PaymentOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--payment-gateway-url",
            defaultValue = "${env:PAYMENT_GATEWAY_URL}",
            paramLabel = "URL",
            description =
                    "A payment provider's JSON API (see HttpPaymentGateway), e.g. https://payments.example.com/v1 "
                            + "(env PAYMENT_GATEWAY_URL); none: the built-in simulator")
    private URI gatewayUrl;

    @Option(
            names = "--payment-latency",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "How long the built-in gateway simulator takes to answer, e.g. 200ms (default 0ms)")
    private Duration latency;

    @Option(
            names = "--payment-jitter",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "Up to this much more, at random, per answer (default 0ms)")
    private Duration jitter;

    @Option(
            names = "--payment-timeout-share",
            defaultValue = "0",
            description = "The share of gateway calls whose answer is lost, from 0 to 1 (default 0)")
    private double timeoutShare;

    @Option(
            names = "--payment-concurrency",
            defaultValue = "" + PaymentWorker.DEFAULT_CONCURRENCY,
            description = "Gateway calls in flight at most, per payment worker (default "
                    + PaymentWorker.DEFAULT_CONCURRENCY + ")")
    private int concurrency;

    /**
     * The gateway the options name, checked before anything starts: the provider at
     * {@code --payment-gateway-url}, or the simulator. Close it when the worker stops (the simulator
     * answers from a thread of its own).
     */
    PaymentGateway gateway() {
        if (gatewayUrl == null) {
            return new PaymentSimulator(simulator());
        }
        final String scheme = gatewayUrl.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || gatewayUrl.getHost() == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--payment-gateway-url must be an http or https URL, not " + gatewayUrl);
        }
        if (!latency.isZero() || !jitter.isZero() || timeoutShare != 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--payment-latency, --payment-jitter and "
                            + "--payment-timeout-share shape the built-in simulator: they do not apply to --payment-gateway-url");
        }
        return new HttpPaymentGateway(gatewayUrl, PaymentCalls.DEFAULT_TIMEOUT);
    }

    /** The simulator as the options describe it; a bad option is reported with the usage. */
    PaymentSimulator.Behaviour simulator() {
        if (!(timeoutShare >= 0 && timeoutShare <= 1)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--payment-timeout-share is a share from 0 to 1");
        }
        return new PaymentSimulator.Behaviour(latency, jitter, timeoutShare, System.nanoTime());
    }

    PaymentWorker.Settings worker() {
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--payment-concurrency must be at least 1");
        }
        return new PaymentWorker.Settings(concurrency, PaymentCalls.DEFAULT_TIMEOUT);
    }

    String describe() {
        if (gatewayUrl != null) {
            return "the provider's API at " + gatewayUrl + "; up to " + concurrency + " calls in flight";
        }
        return "built-in simulator, latency " + latency.toMillis() + " ms + up to " + jitter.toMillis() + " ms, "
                + Math.round(timeoutShare * 100) + "% of answers lost; up to " + concurrency + " calls in flight";
    }
}
