package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.serdes.JsonSerde;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds the HTTP tests to the API description: every status a route answered in a test (as the
 * server itself counted it on {@code /metrics}: method, matched route, status) must be described
 * for that route in {@code openapi.json}. The HTTP tests call it before they stop their servers,
 * so a test that makes a route answer a new status fails until the description says so.
 */
public final class DescribedAnswers {

    private static final Pattern REQUESTS =
            Pattern.compile("^http_server_requests_seconds_count\\{(.*)}\\s+\\S+$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** What the server records for a request no route matched (unknown path, wrong method): no operation to describe it. */
    private static final String UNMATCHED = "unmatched";

    /** One answer of the server: a route and the status it answered. */
    public record Answer(String method, String route, int status) implements Comparable<Answer> {
        @Override
        public int compareTo(final Answer other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return method + " " + route + " " + status;
        }
    }

    private DescribedAnswers() {}

    /** Fails when a route answered, in {@code metricsScrape}, a status the description does not give it. */
    public static void assertDescribed(final String metricsScrape) {
        final Set<Answer> answered = answered(metricsScrape);
        assertThat(undescribed(answered, document()))
                .as("statuses the routes answered in this test that openapi.json does not describe for them")
                .isEmpty();
    }

    /** The routes' answers counted in a Prometheus scrape of the server's metrics. */
    static Set<Answer> answered(final String metricsScrape) {
        final Set<Answer> answers = new TreeSet<>();
        final Matcher line = REQUESTS.matcher(metricsScrape);
        while (line.find()) {
            String method = null;
            String route = null;
            String status = null;
            final Matcher label = LABEL.matcher(line.group(1));
            while (label.find()) {
                switch (label.group(1)) {
                    case "method" -> method = label.group(2);
                    case "route" -> route = label.group(2);
                    case "status" -> status = label.group(2);
                    default -> {}
                }
            }
            if (method != null && route != null && status != null && !UNMATCHED.equals(route)) {
                answers.add(new Answer(method, route, Integer.parseInt(status)));
            }
        }
        return answers;
    }

    static Set<Answer> undescribed(final Set<Answer> answers, final JsonNode description) {
        final Set<Answer> missing = new TreeSet<>();
        for (final Answer answer : answers) {
            final JsonNode responses = description
                    .path("paths")
                    .path(answer.route())
                    .path(answer.method().toLowerCase(Locale.ROOT))
                    .path("responses");
            if (!responses.has(Integer.toString(answer.status()))) {
                missing.add(answer);
            }
        }
        return missing;
    }

    /** The description the server serves, as it is in the jar. */
    public static JsonNode document() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(ApiDescription.RESOURCE)) {
            assertThat(in).as(ApiDescription.RESOURCE + " on the class path").isNotNull();
            return JsonSerde.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
