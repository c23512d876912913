package io.purchasepipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.purchasepipeline.serdes.JsonSerde;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers, for requests refused before they reach a route (a request line or headers
 * Jetty cannot parse or will not take), as JSON {@code {"error","details"}} like every other
 * error of the API, never as an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback)
            throws JsonProcessingException {
        int status = response.getStatus();
        final Object message = request.getAttribute(ERROR_MESSAGE);
        final List<String> details;
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // a client that speaks neither HTTP/1.0 nor 1.1 sent a bad request; 5xx is kept for our failures
            status = HttpStatus.BAD_REQUEST_400;
            details = List.of("only HTTP/1.0 and HTTP/1.1 are spoken here");
        } else if (status == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
            details = List.of("at most " + HttpLimits.MAX_HEADER_BYTES + " bytes of request line and headers");
        } else if (status == HttpStatus.URI_TOO_LONG_414) {
            details = List.of("at most " + HttpLimits.MAX_HEADER_BYTES + " bytes of request line");
        } else {
            details = List.of(message == null ? HttpStatus.getMessage(status) : message.toString());
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        final byte[] body = JsonSerde.MAPPER.writeValueAsBytes(
                new ErrorBody(HttpStatus.getMessage(status).toLowerCase(Locale.ROOT), details));
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
