package io.purchasepipeline.ebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EbookMakerTest {

    private static final String TITLE = "Exactly Once, Explained (e-book)";

    private final EbookMaker maker = new EbookMaker();

    @ParameterizedTest
    @ValueSource(strings = {"João Ñúñez", "Łucja Kowalska", "Zoë Müller", "Søren Ørsted", "Ğülşen Çelik"})
    void everyPageCarriesTheBuyersNameAndCustomerId(final String name) throws IOException {
        final EbookMaker.Pdf pdf = maker.render(book("order-1", "cust-42", name));

        final List<String> pages = pagesOf(pdf.bytes());
        assertThat(pages).hasSize(pdf.pages()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(pages).allSatisfy(page -> assertThat(page).contains(name).contains("cust-42"));
    }

    @Test
    void titlePageNamesTheBookTheBuyerAndTheOrder() throws IOException {
        final List<String> pages = pagesOf(
                maker.render(book("8c1f0e2a-order", "alice", "Zoë Müller")).bytes());

        // a title wider than the page wraps onto more lines
        assertThat(pages.get(0).replace('\n', ' '))
                .contains(
                        TITLE,
                        "made for",
                        "Zoë Müller",
                        "customer alice",
                        "order 8c1f0e2a-order",
                        "product ebook-exactly-once");
        assertThat(pages.subList(1, pages.size()))
                .allSatisfy(page -> assertThat(page).contains("Chapter"));
    }

    @Test
    void makingTheSameBookAgainGivesTheSameBytes() throws IOException {
        final byte[] first =
                maker.render(book("order-7", "c-7", "Łucja Kowalska")).bytes();

        final byte[] again = new EbookMaker()
                .render(book("order-7", "c-7", "Łucja Kowalska"))
                .bytes();
        final byte[] otherBuyer =
                maker.render(book("order-7", "c-8", "Łucja Kowalska")).bytes();

        assertThat(again).isEqualTo(first);
        assertThat(otherBuyer).isNotEqualTo(first);
    }

    @Test
    void theFontIsEmbeddedSoNoReaderSubstitutesItsOwn() throws IOException {
        try (PDDocument document =
                Loader.loadPDF(maker.render(book("o", "c", "Søren")).bytes())) {
            final List<PDFont> fonts = new ArrayList<>();
            for (final PDPage page : document.getPages()) {
                for (final COSName font : page.getResources().getFontNames()) {
                    fonts.add(page.getResources().getFont(font));
                }
            }
            assertThat(fonts).isNotEmpty().allSatisfy(font -> {
                assertThat(font.isEmbedded()).isTrue();
                assertThat(font.getName()).contains("LiberationSans");
            });
        }
    }

    @Test
    void charactersTheFontLacksBecomeQuestionMarks() throws IOException {
        final List<String> pages =
                pagesOf(maker.render(book("o", "c-9", "李 Wei\tTab")).bytes());

        assertThat(pages)
                .allSatisfy(page -> assertThat(page).contains("? Wei Tab").contains("c-9"));
    }

    @Test
    void aNameTooLongForOneLineWrapsAndStaysOnEveryPage() throws IOException {
        final String name = "Maria " + "Anna ".repeat(30) + "Łęcka-Żółkiewska";

        final List<String> pages =
                pagesOf(maker.render(book("o", "c-long", name)).bytes());

        assertThat(pages)
                .allSatisfy(
                        page -> assertThat(page).contains("Łęcka-Żółkiewska").contains("c-long"));
    }

    private static Personalisation book(final String orderId, final String customerId, final String name) {
        return new Personalisation(orderId, customerId, name, "ebook-exactly-once", TITLE);
    }

    /** Each page's text, as a reader copying it would get it. */
    static List<String> pagesOf(final byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            final PDFTextStripper stripper = new PDFTextStripper();
            final List<String> pages = new ArrayList<>();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(stripper.getText(document));
            }
            return pages;
        }
    }
}
