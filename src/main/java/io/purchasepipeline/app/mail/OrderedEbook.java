package io.purchasepipeline.app.mail;

import io.purchasepipeline.serdes.EmailRequest;
import java.util.Arrays;
import java.util.List;

/**
 * One e-book a completion email carries, read from the email's details: {@code ebooks} lists the
 * SKUs (comma-separated) and {@code ebook.<sku>} gives each one's title.
 */
record OrderedEbook(String sku, String title) {

    static List<OrderedEbook> of(final EmailRequest email) {
        final String skus = email.details().get("ebooks");
        if (skus == null || skus.isBlank()) {
            return List.of();
        }
        return Arrays.stream(skus.split(",")).map(String::trim).filter(sku -> !sku.isEmpty())
                .map(sku -> new OrderedEbook(sku, email.details().getOrDefault("ebook." + sku, sku)))
                .toList();
    }
}
