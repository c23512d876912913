package io.purchasepipeline.mail;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The words of every email: a subject, a plain-text body and an HTML body per kind, Mustache
 * templates among the resources beside this class ({@code <kind>.txt}, {@code <kind>.html}, the
 * parts they share: {@code header}, {@code order}, {@code ebooks}, {@code footer}; the subjects and
 * phrases in {@code texts.properties}). The HTML templates escape every value, as names come from
 * customers and the catalog; the plain-text ones write values as they are. Every template is
 * compiled and tried on a sample of its kind when this is made, so a broken one stops the start,
 * not a delivery.
 */
final class MailTemplates {

    private final EmailView views;
    private final Map<EmailKind, Template> subjects = new EnumMap<>(EmailKind.class);
    private final Map<EmailKind, Template> plain = new EnumMap<>(EmailKind.class);
    private final Map<EmailKind, Template> html = new EnumMap<>(EmailKind.class);

    /** One email's words. */
    record Rendered(String subject, String text, String html) {}

    /** Emails without a link to the order. */
    MailTemplates() {
        this(null);
    }

    /** @param publicUrl where customers reach the shop: every email links to its order there; null: no link */
    MailTemplates(final URI publicUrl) {
        final Properties texts = new Properties();
        try (Reader reader = reader("texts.properties")) {
            texts.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the mail texts", e);
        }
        views = new EmailView(texts, publicUrl);
        // a name no template value has is an error, not an empty string; an empty list or string skips its section
        final Mustache.Compiler strict =
                Mustache.compiler().emptyStringIsFalse(true).strictSections(true);
        final Mustache.Compiler htmlCompiler = strict.escapeHTML(true).withLoader(name -> reader(name + ".html"));
        final Mustache.Compiler textCompiler = strict.escapeHTML(false).withLoader(name -> reader(name + ".txt"));
        for (final EmailKind kind : EmailKind.values()) {
            final String name = kind.name().toLowerCase(Locale.ROOT);
            subjects.put(kind, textCompiler.compile(views.text("subject." + kind.name())));
            plain.put(kind, compile(textCompiler, name + ".txt"));
            html.put(kind, compile(htmlCompiler, name + ".html"));
            render(sample(kind), true);
        }
    }

    /** @param attached whether files go with the email, as its e-book list says so */
    Rendered render(final EmailRequest email, final boolean attached) {
        final Map<String, Object> view = views.of(email, attached);
        final String subject = subjects.get(email.kind()).execute(view);
        view.put("subject", subject);
        return new Rendered(
                subject,
                plain.get(email.kind()).execute(view),
                html.get(email.kind()).execute(view));
    }

    /** An email of {@code kind} that names every value a template may use. */
    private static EmailRequest sample(final EmailKind kind) {
        return new EmailRequest(
                "sample/" + kind,
                kind,
                "sample",
                "customer",
                "Customer",
                "customer@example.com",
                OrderStatus.PENDING,
                List.of(new EmailLine("sku", "Product", 2, BigDecimal.ONE, LineOutcome.OUT_OF_STOCK)),
                BigDecimal.valueOf(2),
                "EUR",
                List.of(FraudReason.VELOCITY),
                PaymentStatus.DECLINED,
                List.of(new EbookTitle("sku", "Title")));
    }

    private static Template compile(final Mustache.Compiler compiler, final String name) {
        try (Reader reader = reader(name)) {
            return compiler.compile(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the mail template " + name, e);
        }
    }

    private static Reader reader(final String name) {
        final InputStream in = MailTemplates.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("The mail template " + name + " is missing from the application");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
