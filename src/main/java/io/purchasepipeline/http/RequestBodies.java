package io.purchasepipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.purchasepipeline.serdes.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading a request's body: within the size limit, as strict JSON, and never echoing a card number in an error. */
final class RequestBodies {

    /** 12 to 19 digits, perhaps in groups: what may be a card number, never echoed in an error. */
    private static final Pattern CARD_LIKE = Pattern.compile("(?<!\\d)(?:\\d[ -]?){11,18}\\d(?!\\d)");

    private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);
    private static final ObjectMapper REQUESTS = JsonMappers.requests();

    private RequestBodies() {}

    static <T> T read(final Context ctx, final Class<T> type) {
        return parse(bytes(ctx), type);
    }

    /** The body, at most {@link HttpLimits#MAX_BODY_BYTES} of it (413 beyond); 400 when the client cannot send it. */
    static byte[] bytes(final Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (Exception e) {
            // the stream's IOException (a broken chunk, a client gone halfway) is thrown undeclared
            if (timedOut(e)) {
                throw new ApiException(
                        408,
                        "request timeout",
                        List.of("the body did not arrive within " + HttpLimits.REQUEST_TIMEOUT.toSeconds() + " s"));
            }
            if (clientFault(e) > 0) {
                throw ApiException.badRequest("malformed body", List.of("the body cannot be read: " + e.getMessage()));
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    static <T> T parse(final byte[] bytes, final Class<T> type) {
        try {
            final T value = REQUESTS.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("malformed JSON", List.of("the body must be a JSON object"));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", List.of(hideCardNumbers(e.getOriginalMessage())));
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON", List.of("the body cannot be read"));
        }
    }

    /**
     * A body announced larger than the limit is refused before it is handled; one not much larger
     * that the client is already sending is read and dropped first ({@link HttpLimits#MAX_REFUSED_BODY_READ}).
     */
    static void refuseAnnouncedLargeBody(final Context ctx) {
        // the long one: a length above 2 GiB is -1 as an int
        final long length = ctx.req().getContentLengthLong();
        if (length > HttpLimits.MAX_BODY_BYTES) {
            if (length <= HttpLimits.MAX_REFUSED_BODY_READ && ctx.header("Expect") == null) {
                discard(ctx);
            }
            throw new ApiException(413, "body too large", List.of("at most " + HttpLimits.MAX_BODY_BYTES + " bytes"));
        }
    }

    /** Whether the request stream gave up waiting for the client (Jetty's request timeout). */
    private static boolean timedOut(final Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The 4xx status when {@code e} is the client's fault: the request stream broke (a bad chunk,
     * a connection closed halfway) or Jetty refused what it read; 0 when it is ours.
     */
    static int clientFault(final Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http.getCode();
            }
            if (cause instanceof EofException) {
                return 400;
            }
        }
        return 0;
    }

    /** Reads the body to its end and drops it; a client that breaks off or stalls meanwhile only loses its connection. */
    private static void discard(final Context ctx) {
        final byte[] buffer = new byte[8192];
        try (InputStream body = ctx.req().getInputStream()) {
            while (body.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException | RuntimeException e) {
            log.debug("A refused body was not read to its end: {}", e.toString());
        }
    }

    /** Jackson quotes the value it could not read: when that is a card number, the error must not repeat it. */
    private static String hideCardNumbers(final String message) {
        return message == null ? null : CARD_LIKE.matcher(message).replaceAll("<digits hidden>");
    }
}
