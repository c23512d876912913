package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailRequest;
import java.util.List;

/** One e-book a completion email carries. */
record OrderedEbook(String sku, String title) {

    static List<OrderedEbook> of(final EmailRequest email) {
        return email.ebooks().stream()
                .map(ebook -> new OrderedEbook(ebook.sku(), ebook.title() == null ? ebook.sku() : ebook.title()))
                .toList();
    }
}
