package io.purchasepipeline.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.serdes.JsonSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket: it sends exactly the bytes it is given, however broken, and
 * reads whatever comes back until the server closes the connection.
 */
final class RawHttp {

    private RawHttp() {}

    /** What came back: a status, headers (names in lower case) and the body; or nothing, the connection closed. */
    record Answer(int status, Map<String, String> headers, byte[] body) {

        static final Answer CLOSED = new Answer(-1, Map.of(), new byte[0]);

        boolean closed() {
            return status < 0;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON, or null when it is none. */
        JsonNode json() {
            try {
                return JsonSerde.MAPPER.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return closed() ? "closed" : status + " " + headers.get("content-type") + " " + text();
        }
    }

    /**
     * Sends {@code request} on a new connection and reads the answer.
     *
     * @throws java.net.SocketTimeoutException when the server neither answers nor closes within {@code timeout}
     */
    static Answer exchange(final int port, final byte[] request, final Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (SocketException e) {
                // the server answered and closed before it took everything (a refused head or body): read its answer
            }
            return parse(readUntilClosed(socket.getInputStream()));
        }
    }

    static Answer exchange(final int port, final String request, final Duration timeout) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
    }

    /** Until one whole answer arrived (the server may keep the connection open after it) or the connection closed. */
    private static byte[] readUntilClosed(final InputStream in) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                bytes.write(buffer, 0, n);
                if (complete(bytes.toByteArray())) {
                    break;
                }
            }
        } catch (SocketException e) {
            // reset after (or instead of) an answer: what arrived is the answer
        }
        return bytes.toByteArray();
    }

    private static boolean complete(final byte[] raw) {
        final Answer answer = parse(raw);
        if (answer.closed()) {
            return false;
        }
        final String length = answer.headers().get("content-length");
        if (length != null) {
            return answer.body().length >= Long.parseLong(length);
        }
        return "chunked".equalsIgnoreCase(answer.headers().get("transfer-encoding"))
                && new String(raw, StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n");
    }

    /** Every answer in {@code raw}, in order (pipelined requests on one connection); each must announce its length. */
    static List<Answer> parseAll(final byte[] raw) {
        final List<Answer> answers = new ArrayList<>();
        int at = 0;
        while (at < raw.length) {
            final byte[] rest = Arrays.copyOfRange(raw, at, raw.length);
            final int end = indexOf(rest, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            final Answer head = parse(Arrays.copyOfRange(rest, 0, end < 0 ? rest.length : end + 4));
            if (head.closed()) {
                break;
            }
            final int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
            final int size = Math.min(rest.length, end + 4 + length);
            answers.add(parse(Arrays.copyOfRange(rest, 0, size)));
            at += size;
        }
        return answers;
    }

    static Answer parse(final byte[] whole) {
        byte[] raw = whole;
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        // interim answers (100 Continue) come before the answer
        while (end > 0
                && new String(raw, 0, Math.min(raw.length, 12), StandardCharsets.ISO_8859_1)
                        .matches("HTTP/1\\.. 1\\d\\d")) {
            raw = Arrays.copyOfRange(raw, end + 4, raw.length);
            end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (raw.length == 0 || end < 0) {
            return Answer.CLOSED;
        }
        final String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        final String[] statusLine = lines[0].split(" ", 3);
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(statusLine[1]), headers, body);
    }

    private static byte[] dechunk(final byte[] chunked) {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            final int lineEnd = indexOf(
                    Arrays.copyOfRange(chunked, at, chunked.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (lineEnd < 0) {
                break;
            }
            final int size = Integer.parseInt(
                    new String(chunked, at, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            at += lineEnd + 2;
            if (size == 0) {
                break;
            }
            body.write(chunked, at, Math.min(size, chunked.length - at));
            at += size + 2;
        }
        return body.toByteArray();
    }

    private static int indexOf(final byte[] data, final byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
