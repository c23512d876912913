package io.purchasepipeline.ebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EbookLibraryTest {

    private static final String TITLE = "Exactly Once, Explained (e-book)";

    @TempDir
    Path dataDir;

    @Test
    void makesTheBookUnderItsOrderAndSku() throws Exception {
        final Path pdf = EbookLibrary.in(dataDir).pdfFor("order-1", "alice", "João Ñúñez", "ebook-exactly-once", TITLE);

        assertThat(pdf).isEqualTo(dataDir.resolve("ebooks").resolve("order-1").resolve("ebook-exactly-once.pdf"));
        assertThat(EbookMakerTest.pagesOf(Files.readAllBytes(pdf)))
                .allSatisfy(page -> assertThat(page).contains("João Ñúñez", "alice"));
    }

    @Test
    void keepsTheFileItHasInsteadOfMakingItAgain() throws Exception {
        final EbookLibrary library = EbookLibrary.in(dataDir);
        final Path pdf = library.pdfFor("order-2", "bob", "Bob", "ebook-exactly-once", TITLE);
        final byte[] marked = new EbookMaker()
                .render(new Personalisation("other", "someone", "Someone Else", "ebook-exactly-once", TITLE))
                .bytes();
        Files.write(pdf, marked);

        final EbookLibrary.Ebook again =
                library.ebookFor(new Personalisation("order-2", "bob", "Bob", "ebook-exactly-once", TITLE));

        assertThat(again.file()).isEqualTo(pdf);
        assertThat(again.made()).isFalse();
        assertThat(again.bytes()).isEqualTo(marked.length);
        assertThat(pdf).hasBinaryContent(marked);
    }

    @Test
    void anInstanceWithoutTheFileMakesTheSameBytes() throws Exception {
        final Path pdf = EbookLibrary.in(dataDir).pdfFor("order-3", "c3", "Zoë Müller", "ebook-exactly-once", TITLE);
        final byte[] first = Files.readAllBytes(pdf);

        final Path elsewhere = EbookLibrary.in(dataDir.resolve("other-instance"))
                .pdfFor("order-3", "c3", "Zoë Müller", "ebook-exactly-once", TITLE);

        assertThat(elsewhere).hasBinaryContent(first);
    }

    @Test
    void idsThatAreNoPlainFileNamesStayInsideTheLibrary() throws Exception {
        final EbookLibrary library = EbookLibrary.in(dataDir);

        final Path pdf = library.pdfFor("../../escape", "c", "Mallory", "a/b", TITLE);
        final Path twin = library.pdfFor("_._.._escape", "c", "Mallory", "a_b", TITLE);

        assertThat(pdf.normalize()).startsWith(library.root());
        assertThat(pdf.getParent().getFileName().toString()).startsWith("_._.._escape~");
        assertThat(pdf.getFileName().toString()).startsWith("a_b~").endsWith(".pdf");
        assertThat(twin).isEqualTo(library.root().resolve("_._.._escape").resolve("a_b.pdf"));
    }

    @Test
    void callersAskingForOneBookAtOnceAllGetTheWholeFile() throws Exception {
        final EbookLibrary library = EbookLibrary.in(dataDir);
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<Path>> asked = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                final Callable<Path> ask = () -> library.pdfFor("order-4", "c4", "Søren", "ebook-exactly-once", TITLE);
                asked.add(pool.submit(ask));
            }
            final List<Path> answers = new ArrayList<>();
            for (final Future<Path> answer : asked) {
                answers.add(answer.get());
            }

            assertThat(answers).containsOnly(answers.get(0));
            assertThat(EbookMakerTest.pagesOf(Files.readAllBytes(answers.get(0))))
                    .allSatisfy(page -> assertThat(page).contains("Søren"));
            try (Stream<Path> left = Files.list(answers.get(0).getParent())) {
                assertThat(left).containsExactly(answers.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
