package io.purchasepipeline.cli;

import io.purchasepipeline.payment.PaymentCalls;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.PaymentWorker;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The payment worker's options and its built-in gateway's, shared by {@code run} and {@code worker payment}. */
final class PaymentOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--payment-latency", defaultValue = "0ms", converter = DurationConverter.class,
            description = "How long the built-in gateway simulator takes to answer, e.g. 200ms (default 0ms)")
    private Duration latency;

    @Option(names = "--payment-jitter", defaultValue = "0ms", converter = DurationConverter.class,
            description = "Up to this much more, at random, per answer (default 0ms)")
    private Duration jitter;

    @Option(names = "--payment-timeout-share", defaultValue = "0",
            description = "The share of gateway calls whose answer is lost, from 0 to 1 (default 0)")
    private double timeoutShare;

    @Option(names = "--payment-concurrency", defaultValue = "" + PaymentWorker.DEFAULT_CONCURRENCY,
            description = "Gateway calls in flight at most, per payment worker (default "
                    + PaymentWorker.DEFAULT_CONCURRENCY + ")")
    private int concurrency;

    /** The simulator as the options describe it; a bad option is reported with the usage. */
    PaymentSimulator.Behaviour simulator() {
        if (!(timeoutShare >= 0 && timeoutShare <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--payment-timeout-share is a share from 0 to 1");
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
        return "built-in simulator, latency " + latency.toMillis() + " ms + up to " + jitter.toMillis() + " ms, "
                + Math.round(timeoutShare * 100) + "% of answers lost; up to " + concurrency + " calls in flight";
    }
}
