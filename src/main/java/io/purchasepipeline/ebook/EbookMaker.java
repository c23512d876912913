package io.purchasepipeline.ebook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

// Over 300 lines: one book's layout (title page, text pages, footer, fonts), each step drawing on the same document.
/**
 * Lays out one buyer's copy of an e-book: a title page with the product, the buyer and the order,
 * a few pages of text, and on every page a footer with the buyer's name and customer id, so that a
 * copy passed on still says whose it is.
 *
 * <p>Text is set in Liberation Sans, embedded as a subset from the font jar on the class path: the
 * PDF standard fonts know only WinAnsi (no "Ł"), and a system font would make the output depend on
 * the machine. A character the font has no glyph for is drawn as "?" rather than failing the book.
 *
 * <p>The bytes depend on the {@link Personalisation} alone: the document id is a digest of it and
 * no creation date is written (a request carries no time of its own, and the clock would make every
 * regeneration differ). So an instance that never saw the file makes exactly the same one.
 */
public final class EbookMaker {

    /** Where the font jar keeps its files (OFL 1.1, which allows embedding in documents). */
    private static final String FONTS = "/com/mpobjects/jasperreports/fonts/liberation/";

    private static final PDRectangle PAGE = PDRectangle.A5;
    private static final float MARGIN = 48;
    private static final float TEXT_WIDTH = PAGE.getWidth() - 2 * MARGIN;
    private static final float TOP = PAGE.getHeight() - 56;
    private static final float FOOTER_SIZE = 8;
    private static final float FOOTER_LEADING = 11;
    private static final float FOOTER_BASELINE = 30;
    /** Room kept at the right of the footer for "12 / 12". */
    private static final float PAGE_NUMBER_WIDTH = 40;

    private static final float BODY_SIZE = 10.5f;
    private static final float BODY_LEADING = 15;
    private static final float INK = 0.1f;
    private static final float GREY = 0.45f;

    /** A rendered e-book. */
    public record Pdf(byte[] bytes, int pages) {}

    private final Face regular;
    private final Face bold;

    /** Reads the fonts once; each document embeds its own subset of them. */
    public EbookMaker() {
        this.regular = Face.load("LiberationSans-Regular.ttf");
        this.bold = Face.load("LiberationSans-Bold.ttf");
    }

    /** Safe to call from several threads: each call builds its own document. */
    public Pdf render(final Personalisation book) throws IOException {
        final String name = orElse(book.customerName(), book.customerId());
        final String title = orElse(book.title(), book.sku());
        try (PDDocument document = new PDDocument()) {
            final Typeface text = regular.embedIn(document);
            final Typeface heading = bold.embedIn(document);
            final List<String> footer = text.wrap(
                    "Personal copy of " + name + " \u00b7 customer " + book.customerId(),
                    FOOTER_SIZE,
                    TEXT_WIDTH - PAGE_NUMBER_WIDTH);
            final Layout layout = new Layout(FOOTER_BASELINE + footer.size() * FOOTER_LEADING + 14);

            layout.newPage();
            layout.space(48);
            layout.centred(text, 10, 14, GREY, "A personal edition");
            layout.space(18);
            layout.centred(heading, 22, 28, 0, title);
            layout.space(40);
            layout.centred(text, 11, 16, GREY, "made for");
            layout.centred(heading, 16, 22, 0, name);
            layout.centred(text, 11, 16, INK, "customer " + book.customerId());
            layout.space(40);
            layout.centred(text, 9, 13, GREY, "order " + book.orderId());
            layout.centred(text, 9, 13, GREY, "product " + book.sku());

            final List<Chapter> chapters = chapters(book, name, title);
            for (int i = 0; i < chapters.size(); i++) {
                layout.newPage();
                layout.left(
                        heading,
                        15,
                        20,
                        0,
                        "Chapter " + (i + 1) + " \u00b7 " + chapters.get(i).heading());
                for (final String paragraph : chapters.get(i).paragraphs()) {
                    layout.space(8);
                    layout.left(text, BODY_SIZE, BODY_LEADING, INK, paragraph);
                }
            }

            draw(document, layout.pages, text, footer);
            final PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle(title);
            info.setSubject(
                    "Personal copy of " + name + " (customer " + book.customerId() + "), order " + book.orderId());
            info.setCreator("purchase-pipeline");
            final COSString id = new COSString(documentId(book));
            document.getDocument().setDocumentID(new COSArray(List.of(id, id)));

            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return new Pdf(out.toByteArray(), document.getNumberOfPages());
        }
    }

    private static void draw(
            final PDDocument document,
            final List<List<Line>> pages,
            final Typeface footerFace,
            final List<String> footer)
            throws IOException {
        final float right = PAGE.getWidth() - MARGIN;
        final float rule = FOOTER_BASELINE + (footer.size() - 1) * FOOTER_LEADING + 12;
        for (int i = 0; i < pages.size(); i++) {
            final PDPage page = new PDPage(PAGE);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                for (final Line line : pages.get(i)) {
                    show(content, line);
                }
                content.setStrokingColor(0.75f);
                content.setLineWidth(0.5f);
                content.moveTo(MARGIN, rule);
                content.lineTo(right, rule);
                content.stroke();
                for (int n = 0; n < footer.size(); n++) {
                    show(
                            content,
                            new Line(
                                    footer.get(n),
                                    footerFace,
                                    FOOTER_SIZE,
                                    MARGIN,
                                    FOOTER_BASELINE + (footer.size() - 1 - n) * FOOTER_LEADING,
                                    GREY));
                }
                final String number = (i + 1) + " / " + pages.size();
                show(
                        content,
                        new Line(
                                number,
                                footerFace,
                                FOOTER_SIZE,
                                right - footerFace.width(number, FOOTER_SIZE),
                                FOOTER_BASELINE,
                                GREY));
            }
        }
    }

    private static void show(final PDPageContentStream content, final Line line) throws IOException {
        content.beginText();
        content.setFont(line.face().font(), line.size());
        content.setNonStrokingColor(line.grey());
        content.newLineAtOffset(line.x(), line.y());
        content.showText(line.text());
        content.endText();
    }

    /** The demo text: this shop's books tell how they were made. */
    private static List<Chapter> chapters(final Personalisation book, final String name, final String title) {
        return List.of(
                new Chapter(
                        "About this copy",
                        List.of(
                                "This copy of \u201c" + title + "\u201d was made for " + name + " (customer "
                                        + book.customerId()
                                        + ") when order " + book.orderId()
                                        + " was completed. The foot of every page carries "
                                        + "that name and customer id: the book is yours, and it says so wherever it goes.",
                                "It is a demonstration edition. The shop that sold it exists to show how an order travels "
                                        + "through a streaming pipeline, so the book is short, and it tells the story of how "
                                        + "it came to be rather than the one its title promises.")),
                new Chapter(
                        "How it was made",
                        List.of(
                                "The order was placed over HTTP and answered at once. From then on every step happened in one "
                                        + "Kafka Streams application: a fraud check, a reservation of each line on the "
                                        + "partition that owns its product, and a payment charged once, with the order id as "
                                        + "its idempotency key.",
                                "When the payment was approved the order completed, and for each digital line a request for "
                                        + "an e-book was written to a topic keyed by the customer, so that one customer's "
                                        + "books are made in the order they were bought. A worker read the request, laid out "
                                        + "these pages and stored the file.")),
                new Chapter(
                        "Exactly once",
                        List.of(
                                "Making a book is a side effect: it happens outside Kafka, and a crash can make a worker read "
                                        + "the same request twice. This one is harmless to repeat. The file depends on the "
                                        + "order, the buyer and the product alone, so making it again gives the very same "
                                        + "bytes, and it is written under a temporary name and renamed into place, so that "
                                        + "no one ever sees half a book.",
                                "The record that tells analytics a book was made is another matter, as counting it twice "
                                        + "would be wrong. It is written in the same Kafka transaction that moves the worker "
                                        + "past the request, so it is counted once however often the request is read.")));
    }

    /** 16 bytes of a digest of everything the book shows, like the file identifiers PDF writers derive. */
    private static byte[] documentId(final Personalisation book) {
        final String identity = String.join(
                "\u0000",
                "ebook/1",
                book.orderId(),
                book.customerId(),
                String.valueOf(book.customerName()),
                book.sku(),
                String.valueOf(book.title()));
        try {
            return Arrays.copyOf(
                    MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String orElse(final String value, final String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private record Chapter(String heading, List<String> paragraphs) {}

    private record Line(String text, Typeface face, float size, float x, float y, float grey) {}

    /** A font file as read from the class path, and which characters it can draw. */
    private record Face(byte[] file, CmapLookup characters) {

        static Face load(final String name) {
            try (InputStream in = EbookMaker.class.getResourceAsStream(FONTS + name)) {
                if (in == null) {
                    throw new IllegalStateException("font " + FONTS + name + " is not on the class path");
                }
                final byte[] file = in.readAllBytes();
                try (TrueTypeFont font = new TTFParser().parse(new RandomAccessReadBuffer(file))) {
                    return new Face(file, font.getUnicodeCmapLookup());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read font " + name, e);
            }
        }

        Typeface embedIn(final PDDocument document) throws IOException {
            return new Typeface(this, PDType0Font.load(document, new ByteArrayInputStream(file), true));
        }

        /**
         * The text as this font can draw it: composed (so "e" + combining acute is one "é"), line
         * breaks and other controls as spaces, and "?" where the font has no glyph.
         */
        String drawable(final String text) {
            final StringBuilder out = new StringBuilder(text.length());
            Normalizer.normalize(text, Normalizer.Form.NFC).codePoints().forEach(c -> {
                if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                    out.append(' ');
                } else if (characters.getGlyphId(c) == 0) {
                    out.append('?');
                } else {
                    out.appendCodePoint(c);
                }
            });
            return out.toString();
        }
    }

    /** A face embedded in one document, which measures and wraps text. */
    private record Typeface(Face face, PDFont font) {

        float width(final String text, final float size) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        /** Greedy word wrap; a word wider than the line (a long id) is cut where it must be. */
        List<String> wrap(final String text, final float size, final float maxWidth) throws IOException {
            final List<String> lines = new ArrayList<>();
            String current = "";
            for (final String word : face.drawable(text).trim().split(" +")) {
                final String candidate = current.isEmpty() ? word : current + " " + word;
                if (width(candidate, size) <= maxWidth) {
                    current = candidate;
                    continue;
                }
                if (!current.isEmpty()) {
                    lines.add(current);
                }
                current = word;
                while (width(current, size) > maxWidth) {
                    int cut = current.offsetByCodePoints(0, 1);
                    while (cut < current.length()
                            && width(current.substring(0, current.offsetByCodePoints(cut, 1)), size) <= maxWidth) {
                        cut = current.offsetByCodePoints(cut, 1);
                    }
                    lines.add(current.substring(0, cut));
                    current = current.substring(cut);
                }
            }
            if (!current.isEmpty()) {
                lines.add(current);
            }
            return lines;
        }
    }

    /** Flows lines down the pages, starting a new page where the footer begins. */
    private static final class Layout {

        private final float bottom;
        private final List<List<Line>> pages = new ArrayList<>();
        private float y;

        Layout(final float bottom) {
            this.bottom = bottom;
        }

        void newPage() {
            pages.add(new ArrayList<>());
            y = TOP;
        }

        void space(final float points) {
            y -= points;
        }

        void centred(final Typeface face, final float size, final float leading, final float grey, final String text)
                throws IOException {
            for (final String line : face.wrap(text, size, TEXT_WIDTH)) {
                add(line, face, size, leading, grey, (PAGE.getWidth() - face.width(line, size)) / 2);
            }
        }

        void left(final Typeface face, final float size, final float leading, final float grey, final String text)
                throws IOException {
            for (final String line : face.wrap(text, size, TEXT_WIDTH)) {
                add(line, face, size, leading, grey, MARGIN);
            }
        }

        private void add(
                final String text,
                final Typeface face,
                final float size,
                final float leading,
                final float grey,
                final float x) {
            if (y - leading < bottom) {
                newPage();
            }
            y -= leading;
            pages.get(pages.size() - 1).add(new Line(text, face, size, x, y, grey));
        }
    }
}
