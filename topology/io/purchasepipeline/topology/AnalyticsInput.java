package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.OrderEvent;

/** What analytics counts, from three topics merged into one stream. */
sealed interface AnalyticsInput {

    record Status(OrderEvent event) implements AnalyticsInput {}

    record Emails(EmailCounts counts) implements AnalyticsInput {}

    record Ebook(EbookGenerated ebook) implements AnalyticsInput {}
}
