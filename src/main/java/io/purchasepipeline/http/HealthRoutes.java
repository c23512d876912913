package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.json;

import io.javalin.http.Context;
import io.purchasepipeline.runtime.Probes;

/** What the platform reads: {@code /health}, {@code /health/live}, {@code /health/ready} and {@code /metrics}. */
record HealthRoutes(Probes probes, ApiMetrics metrics) {

    void health(final Context ctx) {
        probe(ctx, probes.health());
    }

    void live(final Context ctx) {
        probe(ctx, probes.live());
    }

    void ready(final Context ctx) {
        probe(ctx, probes.ready());
    }

    void metrics(final Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    private static void probe(final Context ctx, final Probes.Answer answer) {
        ctx.status(answer.status());
        json(ctx, answer.body());
    }
}
