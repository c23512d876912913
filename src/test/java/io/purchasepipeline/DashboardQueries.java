package io.purchasepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard of docker/: its panels' queries and the metric names they read. */
public final class DashboardQueries {

    public static final Path DASHBOARD = Path.of("docker", "grafana", "dashboards", "purchase-pipeline.json");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    /** Numbers and durations ({@code 0.99}, {@code offset 5m}), which are never names. */
    private static final Pattern NUMBER = Pattern.compile("(?<![a-zA-Z0-9_:])\\d[a-zA-Z0-9_.]*");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");

    private DashboardQueries() {}

    public static JsonNode dashboard() throws IOException {
        return new JsonMapper().readTree(DASHBOARD.toFile());
    }

    /** Every panel's PromQL expressions. */
    public static List<String> expressions(final JsonNode dashboard) {
        final List<String> expressions = new ArrayList<>();
        dashboard
                .path("panels")
                .forEach(panel -> panel.path("targets")
                        .forEach(target -> expressions.add(target.path("expr").asText())));
        return expressions;
    }

    /** The metric names a PromQL expression reads: the identifiers that are not functions, labels or keywords. */
    public static Set<String> metricNames(final String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        final Set<String> names = new TreeSet<>();
        final Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            final String name = identifier.group();
            final boolean function =
                    rest.substring(identifier.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** The metric names of every panel. */
    public static Set<String> metricNames(final JsonNode dashboard) {
        final Set<String> names = new TreeSet<>();
        expressions(dashboard).forEach(expression -> names.addAll(metricNames(expression)));
        return names;
    }
}
