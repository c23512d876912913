package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words of every email: a subject, a plain-text body and an HTML body per kind, from the
 * resources beside this class ({@code <kind>.txt}, {@code <kind>.html} inside {@code layout.html},
 * the subjects and phrases in {@code texts.properties}). A template names values as
 * {@code {{name}}}; in HTML every value is escaped, as names and reasons come from customers.
 * All templates are read and checked when this is made, so a broken one stops the start, not a delivery.
 */
final class MailTemplates {

    /** What a template may name; every name is always given (empty when the email has no such value). */
    private static final List<String> NAMES =
            List.of("customerName", "orderId", "total", "unavailable", "reason", "reasons", "ebooks");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");

    private final Properties texts;
    private final String layout;
    private final Map<EmailKind, String> plain = new EnumMap<>(EmailKind.class);
    private final Map<EmailKind, String> html = new EnumMap<>(EmailKind.class);

    /** One email's words. */
    record Rendered(String subject, String text, String html) {
    }

    MailTemplates() {
        texts = new Properties();
        try (Reader reader = new InputStreamReader(open("texts.properties"), StandardCharsets.UTF_8)) {
            texts.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the mail texts", e);
        }
        layout = checked("layout.html", read("layout.html"), List.of("subject", "body", "orderId"));
        for (final EmailKind kind : EmailKind.values()) {
            final String name = kind.name().toLowerCase(Locale.ROOT);
            plain.put(kind, checked(name + ".txt", read(name + ".txt"), NAMES));
            html.put(kind, checked(name + ".html", read(name + ".html"), NAMES));
            checked("subject of " + kind, text("subject." + kind.name()), NAMES);
        }
    }

    /** @param attached whether files go with the email, as its e-book list says so */
    Rendered render(final EmailRequest email, final boolean attached) {
        final Map<String, String> values = values(email);
        final Map<String, String> escaped = new HashMap<>();
        values.forEach((name, value) -> escaped.put(name, escapeHtml(value)));
        final List<OrderedEbook> ebooks = OrderedEbook.of(email);
        final String intro = text(attached ? "ebooks.attached" : "ebooks.listed");
        values.put("ebooks", ebooks.isEmpty() ? ""
                : "\n" + intro + "\n" + ebooks.stream().map(ebook -> "- " + ebook.title() + "\n")
                        .collect(Collectors.joining()));
        escaped.put("ebooks", ebooks.isEmpty() ? ""
                : "<p>" + escapeHtml(intro) + "</p>\n<ul>\n" + ebooks.stream()
                        .map(ebook -> "<li>" + escapeHtml(ebook.title()) + "</li>\n").collect(Collectors.joining()) + "</ul>");
        final String subject = fill(text("subject." + email.kind().name()), values);
        final String body = fill(html.get(email.kind()), escaped);
        return new Rendered(subject, fill(plain.get(email.kind()), values),
                fill(layout, Map.of("subject", escapeHtml(subject), "body", body, "orderId", escaped.get("orderId"))));
    }

    private Map<String, String> values(final EmailRequest email) {
        final Map<String, String> details = email.details();
        final Map<String, String> values = new HashMap<>();
        values.put("customerName", firstOf(email.customerName(), email.customerId(), "customer"));
        values.put("orderId", Objects.requireNonNullElse(email.orderId(), ""));
        values.put("total", details.getOrDefault("total", ""));
        values.put("unavailable", details.getOrDefault("unavailable", ""));
        values.put("reason", phrase("payment.", details.getOrDefault("reason", "")));
        values.put("reasons", reasons(details.getOrDefault("reasons", "")));
        return values;
    }

    /** The fraud check's reasons arrive as a list's text, {@code [AMOUNT_LIMIT, VELOCITY]}. */
    private String reasons(final String list) {
        return Arrays.stream(list.replace("[", "").replace("]", "").split(",")).map(String::trim)
                .filter(reason -> !reason.isEmpty()).map(reason -> phrase("reason.", reason))
                .collect(Collectors.joining("; "));
    }

    /** The phrase for a code, or the code itself in words when there is none. */
    private String phrase(final String prefix, final String code) {
        return code.isEmpty() ? "" : texts.getProperty(prefix + code, code.toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    private String text(final String key) {
        final String text = texts.getProperty(key);
        if (text == null) {
            throw new IllegalStateException("texts.properties has no " + key);
        }
        return text;
    }

    private static String fill(final String template, final Map<String, String> values) {
        final Matcher matcher = PLACEHOLDER.matcher(template);
        final StringBuilder out = new StringBuilder(template.length() + 256);
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.get(matcher.group(1))));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String checked(final String what, final String template, final List<String> allowed) {
        final Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (!allowed.contains(matcher.group(1))) {
                throw new IllegalStateException("Mail template " + what + " names an unknown value " + matcher.group());
            }
        }
        return template;
    }

    static String escapeHtml(final String text) {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String firstOf(final String value, final String fallback, final String last) {
        if (value != null && !value.isBlank()) {
            return value;
        }
        return fallback != null && !fallback.isBlank() ? fallback : last;
    }

    private static String read(final String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the mail template " + name, e);
        }
    }

    private static InputStream open(final String name) {
        final InputStream in = MailTemplates.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("The mail template " + name + " is missing from the application");
        }
        return in;
    }
}
