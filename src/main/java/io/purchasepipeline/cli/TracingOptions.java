package io.purchasepipeline.cli;

import io.purchasepipeline.runtime.Tracing;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** Where spans go, shared by {@code run} and {@code worker}. */
final class TracingOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--otlp-endpoint",
            defaultValue = "${env:OTEL_EXPORTER_OTLP_ENDPOINT}",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "Export spans (one trace per order) over OTLP/HTTP to this receiver's base URL, e.g. "
                    + "http://localhost:4318 (env OTEL_EXPORTER_OTLP_ENDPOINT); none: nothing is recorded, and a "
                    + "traceparent that comes in is only passed on")
    private String endpoint;

    /** The tracing the options ask for; a URL that is none is reported with the usage. */
    Tracing tracing() {
        try {
            return Tracing.otlp(endpoint);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--otlp-endpoint: " + e.getMessage());
        }
    }
}
