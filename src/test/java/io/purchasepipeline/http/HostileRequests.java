package io.purchasepipeline.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Malformed requests from a seed: bad JSON, wrong types, deep nesting, huge strings and numbers,
 * broken encodings, odd content types, oversized and broken bodies, bad parameters, missing
 * tokens, wrong methods, unknown paths, bad headers and plain garbage. Every one is invalid by
 * construction (a body always keeps one field no mutation repairs), so every answer must be a 4xx.
 */
final class HostileRequests {

    /** What a request may be answered with. */
    enum Expect {
        /** A 4xx with a JSON {@code {"error","details"}} body. */
        JSON_4XX,
        /** A 4xx with a JSON body, or the connection closed without an answer (bytes that are no HTTP). */
        JSON_4XX_OR_CLOSED
    }

    record Case(String kind, byte[] bytes, Expect expect) {

        String head() {
            final String text = new String(bytes, 0, Math.min(bytes.length, 160), StandardCharsets.ISO_8859_1);
            final int end = text.indexOf("\r\n");
            return end < 0 ? text.replaceAll("[^\\x20-\\x7e]", "?") : text.substring(0, end);
        }
    }

    /** Each body route with a base body that stays invalid whatever is done to the other fields. */
    private record BodyRoute(String method, String path, boolean admin, String invalidBase, List<String> fields) {}

    private static final String LUHN_INVALID = "4242424242424241";
    private static final List<BodyRoute> BODY_ROUTES = List.of(
            new BodyRoute(
                    "POST",
                    "/orders",
                    false,
                    "{\"customerId\":\"fuzz-1\",\"customerName\":\"Fuzz\",\"email\":"
                            + "\"fuzz@example.com\",\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],\"payment\":{\"card\":\""
                            + LUHN_INVALID + "\"}}",
                    List.of("customerId", "customerName", "email", "items", "x")),
            new BodyRoute(
                    "PUT",
                    "/products/fuzz-sku",
                    true,
                    "{\"name\":\"Fuzz\",\"kind\":\"LAMP\",\"price\":1.00,\"stock\":1}",
                    List.of("name", "price", "stock", "x")),
            // the id has a space: whatever the body, the flag is refused
            new BodyRoute("PUT", "/customers/fuzz%201/flag", true, "{\"reason\":\"fuzz\"}", List.of("reason", "x")));
    /** Values of a type no field accepts, or out of range, or unreadable. */
    private static final List<String> WRONG_VALUES = List.of(
            "{}",
            "[]",
            "[[1]]",
            "{\"a\":[1,{}]}",
            "true",
            "false",
            "5",
            "1.5",
            "-1",
            "\"\"",
            "99999999999999999999",
            "1e999999999",
            "-1e999999999",
            "9".repeat(999),
            "NaN",
            "Infinity",
            "[{\"sku\":{},\"quantity\":1}]",
            "[{\"sku\":\"book-kafka\",\"quantity\":\"many\"}]",
            "[{\"sku\":\"book-kafka\",\"quantity\":1.5}]",
            "[{\"sku\":\"book-kafka\",\"quantity\":0}]",
            "[null]",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"\\uZZZZ\"",
            "'single'",
            "/* comment */ 1",
            "01",
            "+1",
            ".5");

    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16",
            "application/json; charset=no-such",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=zz",
            "application/xml",
            ";;;",
            "application/json; charset=\"",
            "*/*",
            "");
    private static final List<String> WRONG_METHODS =
            List.of("PATCH", "TRACE", "OPTIONS", "FOO", "get", "PURGE", "PROPFIND");
    private static final List<String> KNOWN_PATHS = List.of(
            "/orders",
            "/orders/o-1",
            "/orders/o-1/events",
            "/products/mug",
            "/api/v1/seats/concert-A1/reservations?user=u",
            "/api/v1/seats/concert-A1",
            "/analytics",
            "/health",
            "/metrics",
            "/customers/c-1/flag");
    private static final List<String> WEIRD_IDS = List.of(
            "%C3%A9t%C3%A9",
            "%F0%9F%92%A5",
            "a%20b",
            "a%2Fb",
            "%2e%2e",
            "x".repeat(65),
            "a%0Ab",
            "%7B%7D",
            "a%22b",
            "%E2%80%AE",
            "%C0%AF",
            "%FF");
    private static final List<String> GARBAGE_LINES = List.of(
            "GET /health\r\n\r\n",
            "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET http://elsewhere.example/health HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /health HTTP/1.1\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
            "G\u0000ET /health HTTP/1.1\r\nHost: x\r\n\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n",
            "GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\n: no name\r\n\r\n");

    private final Random random;
    private final String adminToken;

    HostileRequests(final long seed, final String adminToken) {
        this.random = new Random(seed);
        this.adminToken = adminToken;
    }

    Case next() {
        final int pick = random.nextInt(100);
        if (pick < 12) {
            return brokenJson();
        } else if (pick < 26) {
            return wrongValue();
        } else if (pick < 31) {
            return deepNesting();
        } else if (pick < 35) {
            return hugeString();
        } else if (pick < 42) {
            return badEncoding();
        } else if (pick < 47) {
            return oddContentType();
        } else if (pick < 51) {
            return oversized();
        } else if (pick < 55) {
            return brokenChunks();
        } else if (pick < 63) {
            return badParameters();
        } else if (pick < 68) {
            return missingToken();
        } else if (pick < 74) {
            return wrongMethod();
        } else if (pick < 80) {
            return unknownPath();
        } else if (pick < 90) {
            return badHeaders();
        }
        return garbage();
    }

    // ---- bodies

    private Case brokenJson() {
        final BodyRoute route = bodyRoute();
        final String body = route.invalidBase()
                .substring(0, 1 + random.nextInt(route.invalidBase().length() - 1));
        return body("broken JSON", route, bytes(body), "application/json");
    }

    private Case wrongValue() {
        final BodyRoute route = bodyRoute();
        return body(
                "wrong type or value",
                route,
                bytes(withField(route, pick(route.fields()), pick(WRONG_VALUES))),
                "application/json");
    }

    private Case deepNesting() {
        final BodyRoute route = bodyRoute();
        final int depth = 600 + random.nextInt(30_000);
        final String nested = random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(Math.min(depth, 10_000)) + "1" + "}".repeat(Math.min(depth, 10_000));
        final String body = random.nextBoolean() ? nested : withField(route, pick(route.fields()), nested);
        return body("deep nesting", route, bytes(body), "application/json");
    }

    private Case hugeString() {
        final BodyRoute route = bodyRoute();
        final String huge = "\"" + "x".repeat(30_000 + random.nextInt(30_000)) + "\"";
        return body("huge string", route, bytes(withField(route, pick(route.fields()), huge)), "application/json");
    }

    private Case badEncoding() {
        final BodyRoute route = bodyRoute();
        final String field = pick(route.fields());
        switch (random.nextInt(3)) {
            case 0 -> {
                // bytes that are no UTF-8 inside a string: a stray byte, an overlong form, a cut sequence
                final byte[][] broken = {
                    {(byte) 0xff},
                    {(byte) 0xfe, (byte) 0xff},
                    {(byte) 0xc0, (byte) 0x80},
                    {(byte) 0xe2, (byte) 0x82},
                    {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}
                };
                final String marker = "\"MARK\"";
                final byte[] template = bytes(withField(route, field, marker));
                return body(
                        "invalid UTF-8",
                        route,
                        splice(template, bytes(marker), broken[random.nextInt(broken.length)]),
                        "application/json; charset=utf-8");
            }
            case 1 -> {
                final Charset[] charsets = {
                    StandardCharsets.UTF_16BE,
                    StandardCharsets.UTF_16LE,
                    StandardCharsets.UTF_16,
                    Charset.forName("UTF-32")
                };
                return body(
                        "UTF-16/32 body",
                        route,
                        route.invalidBase().getBytes(charsets[random.nextInt(charsets.length)]),
                        "application/json; charset=utf-16");
            }
            default -> {
                final byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
                return body(
                        "byte order mark and Latin-1",
                        route,
                        concat(bom, withField(route, field, "\"Zo\u00eb\"").getBytes(StandardCharsets.ISO_8859_1)),
                        "application/json");
            }
        }
    }

    private Case oddContentType() {
        final BodyRoute route = bodyRoute();
        final String body = random.nextBoolean() ? route.invalidBase() : "a=b&c=d";
        return body("odd content type", route, bytes(body), pick(CONTENT_TYPES));
    }

    private Case oversized() {
        final BodyRoute route = bodyRoute();
        if (random.nextBoolean()) {
            // announced only: refused before a byte of it is sent
            final long length = HttpLimits.MAX_BODY_BYTES + 1 + random.nextInt(Integer.MAX_VALUE);
            return new Case(
                    "announced body over the limit",
                    bytes(route.method() + " " + route.path() + " HTTP/1.1\r\nHost: x\r\n"
                            + auth(route) + "Content-Type: application/json\r\nContent-Length: " + length
                            + (random.nextBoolean() ? "\r\nExpect: 100-continue" : "")
                            + "\r\nConnection: close\r\n\r\n"),
                    Expect.JSON_4XX);
        }
        final String body = "[" + "1,".repeat((int) HttpLimits.MAX_BODY_BYTES / 2) + "1]";
        return random.nextBoolean()
                ? body("body over the limit", route, bytes(body), "application/json")
                : chunked("chunked body over the limit", route, bytes(body), "400\r\n");
    }

    private Case brokenChunks() {
        final BodyRoute route = bodyRoute();
        final String[] broken = {
            "zz\r\nabc\r\n0\r\n\r\n",
            "-1\r\nabc\r\n0\r\n\r\n",
            "ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
            "3\r\nabcdef\r\n0\r\n\r\n",
            "3 ;; \u0001\r\nabc\r\n0\r\n\r\n"
        };
        return new Case(
                "broken chunks",
                bytes(route.method() + " " + route.path() + " HTTP/1.1\r\nHost: x\r\n" + auth(route)
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + broken[random.nextInt(broken.length)]),
                Expect.JSON_4XX);
    }

    // ---- routes, methods, parameters

    private Case badParameters() {
        final String id = pick(WEIRD_IDS);
        final String[] waits = {"-1", "abc", "30001", "1e3", "99999999999999999999", "%zz", "", "0x10", "%00"};
        final String[] users = {"", "%20", "a%20b", "x".repeat(65), "%F0%9F%92%A5", "a/b", "%00", "a%0Ab"};
        final String request = switch (random.nextInt(7)) {
            case 0 -> get("/orders/" + id + (random.nextBoolean() ? "" : "/events"));
            case 1 -> get("/orders/o-" + random.nextInt(1000) + "?waitMs=" + waits[random.nextInt(waits.length)]);
            case 2 -> get(random.nextBoolean() ? "/products/" + id : "/api/v1/seats/" + id);
            case 3 ->
                request(
                        random.nextBoolean() ? "POST" : "DELETE",
                        "/api/v1/seats/concert-A1/reservations"
                                + (random.nextBoolean() ? "" : "?user=" + users[random.nextInt(users.length)]),
                        adminHeader(),
                        "");
            case 4 -> request(pick(List.of("PUT", "DELETE", "GET")), "/customers/" + id + "/flag", adminHeader(), "");
            case 5 ->
                request("PUT", "/products/" + id, adminHeader(), "{\"name\":\"n\",\"kind\":\"DIGITAL\",\"price\":1}");
            default -> get("/orders/o-1?waitMs=" + waits[random.nextInt(waits.length)] + "&waitMs=5");
        };
        return new Case("bad parameter", bytes(request), Expect.JSON_4XX);
    }

    private Case missingToken() {
        final String[] authorizations = {
            "",
            "Authorization: Bearer wrong\r\n",
            "Authorization: Basic YWRtaW46YWRtaW4=\r\n",
            "Authorization: Bearer\r\n",
            "Authorization: " + adminToken + "\r\n",
            "Authorization: Bearer " + adminToken + "x\r\n",
            "Authorization: \u00ff\u00fe\r\n"
        };
        final String path = random.nextBoolean() ? "/products/mug" : "/customers/c-" + random.nextInt(100) + "/flag";
        final String method = path.startsWith("/products") ? "PUT" : pick(List.of("PUT", "DELETE", "GET"));
        return new Case(
                "no valid admin token",
                bytes(request(
                        method,
                        path,
                        authorizations[random.nextInt(authorizations.length)],
                        "{\"name\":\"Mug\",\"kind\":\"PHYSICAL\",\"price\":1.00,\"stock\":5}")),
                Expect.JSON_4XX);
    }

    private Case wrongMethod() {
        return new Case(
                "wrong method", bytes(request(pick(WRONG_METHODS), pick(KNOWN_PATHS), "", "")), Expect.JSON_4XX);
    }

    private Case unknownPath() {
        final StringBuilder path = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            path.append('/')
                    .append(
                            random.nextBoolean()
                                    ? pick(WEIRD_IDS)
                                    : pick(List.of(
                                            "admin",
                                            "orders",
                                            "api",
                                            "v2",
                                            "..%2F..%2Fetc%2Fpasswd",
                                            "%2e%2e",
                                            ".env",
                                            "wp-login.php",
                                            "products",
                                            "",
                                            "seats")));
        }
        final String method = pick(List.of("GET", "POST", "PUT", "DELETE", "HEAD"));
        return new Case("unknown path", bytes(request(method, "/x" + path, "", "")), Expect.JSON_4XX);
    }

    private Case badHeaders() {
        final String[] headers = {
            "X-Big: " + "a".repeat(HttpLimits.MAX_HEADER_BYTES + random.nextInt(20_000)) + "\r\n",
            "X-Many: b\r\n".repeat(HttpLimits.MAX_HEADER_BYTES / 10),
            "X Space: a\r\n",
            "X-Control: a\u0001b\r\n",
            "X-Latin1: \u00e9\u00ff\r\n",
            "Content-Length: abc\r\n",
            "Content-Length: -5\r\n",
            "Content-Length: 2\r\nContent-Length: 3\r\n",
            "Transfer-Encoding: foo\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
            "Expect: 101-nonsense\r\n",
            "X-Correlation-Id: " + "c".repeat(300) + "\r\n",
            "X-Correlation-Id: \u00e9\u00e9\r\n",
            "Idempotency-Key: " + "k".repeat(256) + "\r\n",
            "Idempotency-Key: \u00ff\r\n",
            "Content-Encoding: gzip\r\n",
            "Accept: \u0000/\u0000\r\n",
            " folded: header\r\n"
        };
        final BodyRoute route = bodyRoute();
        final String extra = headers[random.nextInt(headers.length)];
        final String target =
                random.nextInt(5) == 0 ? "/x/" + "y".repeat(HttpLimits.MAX_HEADER_BYTES + 100) : route.path();
        return new Case(
                "bad header",
                bytes(route.method() + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth(route) + extra
                        + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: "
                        + route.invalidBase().length()
                        + "\r\n\r\n" + route.invalidBase()),
                Expect.JSON_4XX);
    }

    private Case garbage() {
        if (random.nextBoolean()) {
            return new Case("malformed request line", bytes(pick(GARBAGE_LINES)), Expect.JSON_4XX_OR_CLOSED);
        }
        // binary noise that starts with a byte no request line may hold
        final byte[] noise = new byte[1 + random.nextInt(2000)];
        random.nextBytes(noise);
        noise[0] = (byte) (random.nextBoolean() ? random.nextInt(9) : 0x80 + random.nextInt(0x80));
        return new Case("binary noise", concat(noise, bytes("\r\n\r\n")), Expect.JSON_4XX_OR_CLOSED);
    }

    // ---- building requests

    private Case body(final String kind, final BodyRoute route, final byte[] body, final String contentType) {
        final String head = route.method() + " " + route.path() + " HTTP/1.1\r\nHost: x\r\n" + auth(route)
                + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        return new Case(kind, concat(bytes(head), body), Expect.JSON_4XX);
    }

    private Case chunked(final String kind, final BodyRoute route, final byte[] body, final String chunkHead) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(route.method() + " " + route.path() + " HTTP/1.1\r\nHost: x\r\n" + auth(route)
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
        final int size = Integer.parseInt(chunkHead.trim(), 16);
        for (int at = 0; at < body.length; at += size) {
            final int n = Math.min(size, body.length - at);
            out.writeBytes(bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return new Case(kind, out.toByteArray(), Expect.JSON_4XX);
    }

    private static String get(final String target) {
        return request("GET", target, "", "");
    }

    private static String request(final String method, final String target, final String headers, final String body) {
        return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n"
                + (body.isEmpty() ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n")
                + "\r\n" + body;
    }

    private String adminHeader() {
        return "Authorization: Bearer " + adminToken + "\r\n";
    }

    private String auth(final BodyRoute route) {
        return route.admin() ? adminHeader() : "";
    }

    /** The base body with {@code field} set to {@code json}: the base's invalid part stays as it is. */
    private static String withField(final BodyRoute route, final String field, final String json) {
        final String base = route.invalidBase();
        return base.substring(0, base.length() - 1) + ",\"" + field + "\":" + json + "}";
    }

    private BodyRoute bodyRoute() {
        return BODY_ROUTES.get(random.nextInt(BODY_ROUTES.size()));
    }

    private <T> T pick(final List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(final byte[] first, final byte[] second) {
        final byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    private static byte[] splice(final byte[] data, final byte[] marker, final byte[] replacement) {
        final String text = new String(data, StandardCharsets.ISO_8859_1);
        final int at = text.lastIndexOf(new String(marker, StandardCharsets.ISO_8859_1));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(data, 0, at + 1);
        out.writeBytes(replacement);
        out.write(data, at + marker.length - 1, data.length - at - marker.length + 1);
        return out.toByteArray();
    }
}
