package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.OrderEvent;

/** What analytics counts, from three topics merged into one stream. */
sealed interface AnalyticsInput {

    record Status(OrderEvent event) implements AnalyticsInput {}

    record Email(EmailOutcome outcome) implements AnalyticsInput {}

    record Ebook(EbookGenerated ebook) implements AnalyticsInput {}
}
