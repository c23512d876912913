package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What the templates of one email may name, every name always present (empty when the email has no
 * such value): the customer, the order and its status in words, the lines with their amounts in
 * the shop's currency, the total, why the order ended, the e-books, the link to the order.
 */
final class EmailView {

    /** The language of the emails' words, so also of their numbers. */
    static final Locale LANGUAGE = Locale.ENGLISH;

    private final Properties texts;
    private final URI publicUrl;

    /** @param publicUrl where customers reach the shop; null: the emails carry no link */
    EmailView(final Properties texts, final URI publicUrl) {
        this.texts = texts;
        this.publicUrl = publicUrl;
    }

    /** @param attached whether the email's e-books go with it as files */
    Map<String, Object> of(final EmailRequest email, final boolean attached) {
        final Money money = email.currency() == null ? null : new Money(email.currency(), LANGUAGE);
        final Map<String, Object> view = new HashMap<>();
        view.put("customerName", firstOf(email.customerName(), email.customerId(), "customer"));
        view.put("orderId", orNothing(email.orderId()));
        view.put(
                "status",
                email.status() == null ? "" : phrase("status.", email.status().name()));
        view.put("currency", orNothing(email.currency()));
        final List<Map<String, Object>> lines =
                email.lines().stream().map(line -> line(line, money)).toList();
        view.put("lines", lines);
        view.put("hasLines", !lines.isEmpty());
        view.put("total", amount(email.total(), money));
        view.put("reason", reason(email));
        final List<Map<String, Object>> ebooks = OrderedEbook.of(email).stream()
                .map(ebook -> Map.<String, Object>of("title", ebook.title()))
                .toList();
        view.put("ebooks", ebooks);
        view.put("hasEbooks", !ebooks.isEmpty());
        view.put("ebooksIntro", text(attached ? "ebooks.attached" : "ebooks.listed"));
        view.put("orderUrl", publicUrl == null || email.orderId() == null ? "" : orderUrl(email.orderId()));
        return view;
    }

    private Map<String, Object> line(final EmailLine line, final Money money) {
        return Map.of(
                "sku", orNothing(line.sku()),
                "name", firstOf(line.name(), line.sku(), ""),
                "quantity", line.quantity(),
                "unitPrice", amount(line.unitPrice(), money),
                "amount", amount(line.amount(), money),
                "note",
                        line.outcome() == null
                                ? ""
                                : phrase("line.", line.outcome().name()));
    }

    /** The fraud check's reasons, or the gateway's refusal. */
    private String reason(final EmailRequest email) {
        if (!email.fraudReasons().isEmpty()) {
            return email.fraudReasons().stream()
                    .map(reason -> phrase("reason.", reason.name()))
                    .collect(Collectors.joining("; "));
        }
        return email.payment() == null ? "" : phrase("payment.", email.payment().name());
    }

    private String amount(final BigDecimal amount, final Money money) {
        if (amount == null) {
            return text("price.unknown");
        }
        return money == null ? amount.toPlainString() : money.format(amount);
    }

    /** The order's page under the shop's address; the id is one path segment whatever it holds. */
    private String orderUrl(final String orderId) {
        final String base = publicUrl.toString().replaceAll("/+$", "");
        return base + "/orders/"
                + URLEncoder.encode(orderId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The phrase for a code, or the code itself in words when there is none. */
    private String phrase(final String prefix, final String code) {
        return texts.getProperty(prefix + code, code.toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    String text(final String key) {
        final String text = texts.getProperty(key);
        if (text == null) {
            throw new IllegalStateException("texts.properties has no " + key);
        }
        return text;
    }

    private static String orNothing(final String value) {
        return value == null ? "" : value;
    }

    private static String firstOf(final String value, final String fallback, final String last) {
        if (value != null && !value.isBlank()) {
            return value;
        }
        return fallback != null && !fallback.isBlank() ? fallback : last;
    }
}
