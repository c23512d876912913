package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files an email carries. The mail sender asks before each delivery attempt; a failure
 * (the file cannot be made now) defers the email like a busy mail server would, it does not drop it.
 */
@FunctionalInterface
public interface Attachments {

    /** No email carries a file. */
    Attachments NONE = email -> List.of();

    List<Path> forEmail(EmailRequest email) throws IOException;

    /** Makes, or finds, the personalised PDF of one e-book of an order. */
    @FunctionalInterface
    interface EbookSource {
        Path pdfFor(String orderId, String customerId, String customerName, String sku, String title)
                throws IOException;
    }

    /**
     * The PDF of each e-book a completion email lists in its details, from {@code library}; other
     * emails carry nothing.
     */
    static Attachments ebooks(final EbookSource library) {
        return email -> {
            final List<Path> files = new ArrayList<>();
            for (final OrderedEbook ebook : OrderedEbook.of(email)) {
                files.add(library.pdfFor(
                        email.orderId(), email.customerId(), email.customerName(), ebook.sku(), ebook.title()));
            }
            return files;
        };
    }
}
