package io.purchasepipeline.ebook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * The e-books on this instance's disk, {@code <data-dir>/ebooks/<orderId>/<sku>.pdf}, each made the
 * first time it is asked for and read from disk after that. The e-book worker and the mail sender
 * (which attaches them to the order-completed email) both ask here, in either order and on any
 * instance: as a book depends only on what is asked for, an instance that has to make it again
 * makes the same bytes, and a file is renamed into place whole, so no reader sees half of one.
 */
public final class EbookLibrary {

    /** Names used as they are; anything else (a slash, "..", a long or odd id) is rewritten. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private final Path root;
    private final EbookMaker maker;

    /** One book on disk: its path, its name under the library's root, and its size. */
    public record Ebook(Path file, String name, int pages, long bytes, boolean made) {}

    public EbookLibrary(final Path root, final EbookMaker maker) {
        this.root = root;
        this.maker = maker;
    }

    /** The library under {@code <data-dir>/ebooks}. */
    public static EbookLibrary in(final Path dataDir) {
        return new EbookLibrary(dataDir.resolve("ebooks"), new EbookMaker());
    }

    public Path root() {
        return root;
    }

    /**
     * The buyer's PDF of {@code sku} from order {@code orderId}, made now if this instance does not
     * have it yet. Safe to call from several threads, for the same book too.
     *
     * @return {@code <data-dir>/ebooks/<orderId>/<sku>.pdf}
     */
    public Path pdfFor(
            final String orderId,
            final String customerId,
            final String customerName,
            final String sku,
            final String title)
            throws IOException {
        return store(new Personalisation(orderId, customerId, customerName, sku, title))
                .file();
    }

    /** Like {@link #pdfFor}, telling also whether this call made the file, and its pages and size. */
    public Ebook ebookFor(final Personalisation book) throws IOException {
        final Stored stored = store(book);
        if (stored.made() != null) {
            return new Ebook(
                    stored.file(),
                    stored.name(),
                    stored.made().pages(),
                    stored.made().bytes().length,
                    true);
        }
        try (PDDocument existing = Loader.loadPDF(stored.file().toFile())) {
            return new Ebook(
                    stored.file(), stored.name(), existing.getNumberOfPages(), Files.size(stored.file()), false);
        }
    }

    /** A book's file, and the PDF when this call made it (null when the file was there already). */
    private record Stored(Path file, String name, EbookMaker.Pdf made) {}

    private Stored store(final Personalisation book) throws IOException {
        Objects.requireNonNull(book.orderId(), "orderId");
        Objects.requireNonNull(book.customerId(), "customerId");
        Objects.requireNonNull(book.sku(), "sku");
        final String folder = component(book.orderId());
        final String fileName = component(book.sku()) + ".pdf";
        final Path dir = root.resolve(folder);
        final Path file = dir.resolve(fileName);
        if (Files.isRegularFile(file)) {
            return new Stored(file, folder + "/" + fileName, null);
        }
        final EbookMaker.Pdf pdf = maker.render(book);
        Files.createDirectories(dir);
        // a name of its own per writer: two callers making the same book never write into one file
        final Path temp = dir.resolve("." + fileName + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                final ByteBuffer bytes = ByteBuffer.wrap(pdf.bytes());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                // on disk before the rename makes it visible: a crash leaves no empty book behind the name
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new Stored(file, folder + "/" + fileName, pdf);
    }

    /**
     * A file name that stays inside its folder. A rewritten name keeps what it can and ends in
     * {@code ~} and a digest of the original, so two ids never share a file and a rewritten name
     * never equals a plain one (which has no {@code ~}).
     */
    static String component(final String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        String kept = value.replaceAll("[^A-Za-z0-9._-]", "_");
        kept = kept.length() > 48 ? kept.substring(0, 48) : kept;
        kept = kept.startsWith(".") ? "_" + kept.substring(1) : kept;
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return kept + "~" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
