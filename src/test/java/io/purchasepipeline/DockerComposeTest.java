package io.purchasepipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.purchasepipeline.runtime.Tracing;
import io.purchasepipeline.tools.kafka.BrokerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs the deployment in the build, so this reads docker/compose.yml and docker/Dockerfile
 * and checks the wiring that would only show at {@code docker compose up}: quorum, replication, listeners,
 * the app's bootstrap servers, start order and per-replica state, and where the spans go.
 */
class DockerComposeTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Path COMPOSE_FILE = DOCKER.resolve("compose.yml");
    private static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
    private static final String KAFKA_IMAGE = "apache/kafka:";
    private static final String JAEGER = "jaeger";
    /** The ports Jaeger's OTLP receivers listen on in its container. */
    private static final int JAEGER_OTLP_HTTP = 4318;

    private static final int JAEGER_OTLP_GRPC = 4317;

    private static JsonNode compose;
    private static Map<String, JsonNode> brokers;
    private static Map<String, JsonNode> apps;

    @BeforeAll
    static void readComposeFile() throws IOException {
        compose = new YAMLMapper().readTree(COMPOSE_FILE.toFile());
        brokers = new TreeMap<>();
        compose.path("services").properties().forEach(service -> {
            if (service.getValue().path("image").asText().startsWith(KAFKA_IMAGE)) {
                brokers.put(service.getKey(), service.getValue());
            }
        });
        apps = new TreeMap<>();
        compose.path("services").properties().forEach(service -> {
            if (service.getValue().has("build")) {
                apps.put(service.getKey(), service.getValue());
            }
        });
    }

    @Test
    void runsThreeCombinedKraftNodesWithDistinctNodeIdsAndOneClusterId() {
        assertThat(brokers).hasSize(3);
        assertThat(brokers.values())
                .map(broker -> env(broker).get("KAFKA_NODE_ID"))
                .doesNotContainNull()
                .doesNotHaveDuplicates();
        assertThat(brokers.values())
                .allSatisfy(broker -> assertThat(
                                env(broker).get("KAFKA_PROCESS_ROLES").split(","))
                        .containsExactlyInAnyOrder("broker", "controller"));
        assertThat(brokers.values())
                .map(broker -> env(broker).get("CLUSTER_ID"))
                .doesNotContainNull()
                .containsOnly(env(brokers.values().iterator().next()).get("CLUSTER_ID"));
    }

    @Test
    void everyBrokerListsEveryNodeAsQuorumVoterAtItsControllerListener() {
        final Set<String> expectedVoters = brokers.entrySet().stream()
                .map(broker -> env(broker.getValue()).get("KAFKA_NODE_ID") + "@" + broker.getKey() + ":"
                        + port(listeners(broker.getValue(), "KAFKA_LISTENERS")
                                .get(controllerListener(broker.getValue()))))
                .collect(Collectors.toSet());

        assertThat(expectedVoters).hasSize(3);
        assertThat(brokers.values())
                .allSatisfy(broker -> assertThat(env(broker)
                                .get("KAFKA_CONTROLLER_QUORUM_VOTERS")
                                .split(","))
                        .containsExactlyInAnyOrderElementsOf(expectedVoters));
    }

    @Test
    void replicatesEverythingThreeTimesAndAcknowledgesOnTwo() {
        assertThat(brokers.values())
                .allSatisfy(broker -> assertThat(env(broker))
                        .containsAllEntriesOf(Map.of(
                                "KAFKA_DEFAULT_REPLICATION_FACTOR", "3",
                                "KAFKA_MIN_INSYNC_REPLICAS", "2",
                                "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3",
                                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3",
                                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")));
    }

    @Test
    void configuresTheStreamsAndConsumerRebalanceProtocolsAsTheLocalBrokersDo() {
        final Map<String, String> groups = new java.util.LinkedHashMap<>(BrokerSettings.streamsGroupDefaults());
        groups.putAll(BrokerSettings.consumerGroupDefaults());
        final Map<String, String> expected = groups.entrySet().stream()
                .collect(Collectors.toMap(
                        setting -> "KAFKA_"
                                + setting.getKey().toUpperCase(Locale.ROOT).replace('.', '_'),
                        Map.Entry::getValue));
        assertThat(expected)
                .containsKeys("KAFKA_GROUP_STREAMS_SESSION_TIMEOUT_MS", "KAFKA_GROUP_CONSUMER_SESSION_TIMEOUT_MS");
        assertThat(brokers.values())
                .allSatisfy(broker -> assertThat(env(broker)).containsAllEntriesOf(expected));
    }

    @Test
    void advertisesItsServiceNameInsideAndAPublishedLoopbackPortOutside() {
        final List<String> hostPorts = new ArrayList<>();
        brokers.forEach((name, broker) -> {
            final Map<String, String> advertised = listeners(broker, "KAFKA_ADVERTISED_LISTENERS");
            final Map<String, String> bound = listeners(broker, "KAFKA_LISTENERS");
            final String interBroker = env(broker).get("KAFKA_INTER_BROKER_LISTENER_NAME");

            assertThat(advertised.get(interBroker)).as(name).isEqualTo(name + ":" + port(bound.get(interBroker)));
            assertThat(advertised).as(name).doesNotContainKey(controllerListener(broker));
            final String external = advertised.get("EXTERNAL");
            assertThat(external).as(name).startsWith("127.0.0.1:");
            assertThat(texts(broker.path("ports")))
                    .as(name)
                    .contains("127.0.0.1:" + port(external) + ":" + port(bound.get("EXTERNAL")));
            hostPorts.add(port(external));
        });
        assertThat(hostPorts).containsExactlyInAnyOrder("9091", "9092", "9093");
    }

    @Test
    void keepsEachBrokersLogInItsOwnNamedVolumeAndReportsHealth() {
        final Set<String> declared = fieldNames(compose.path("volumes"));
        final List<String> used = new ArrayList<>();
        brokers.forEach((name, broker) -> {
            final String logDir = env(broker).get("KAFKA_LOG_DIRS");
            final String mount = texts(broker.path("volumes")).stream()
                    .filter(volume -> volume.endsWith(":" + logDir))
                    .findFirst()
                    .orElse(null);
            assertThat(mount).as(name + " mounts a volume at " + logDir).isNotNull();
            used.add(mount.substring(0, mount.indexOf(':')));
            assertThat(texts(broker.path("healthcheck").path("test")))
                    .as(name)
                    .anySatisfy(word -> assertThat(word).contains("kafka-broker-api-versions"));
        });
        assertThat(used)
                .doesNotHaveDuplicates()
                .allSatisfy(volume -> assertThat(declared).contains(volume));
    }

    @Test
    void runsThreeAppInstancesOnAllBrokersOnceTheyAreHealthy() {
        assertThat(apps).hasSize(3);
        final Set<String> internalListeners = brokers.entrySet().stream()
                .map(broker -> listeners(broker.getValue(), "KAFKA_ADVERTISED_LISTENERS")
                        .get(env(broker.getValue()).get("KAFKA_INTER_BROKER_LISTENER_NAME")))
                .collect(Collectors.toSet());
        apps.forEach((name, app) -> {
            assertThat(env(app).get("KAFKA_BOOTSTRAP_SERVERS").split(","))
                    .as(name)
                    .containsExactlyInAnyOrderElementsOf(internalListeners);
            assertThat(fieldNames(app.path("depends_on")))
                    .as(name)
                    .containsExactlyInAnyOrderElementsOf(brokers.keySet());
            assertThat(brokers.keySet())
                    .allSatisfy(broker -> assertThat(app.path("depends_on")
                                    .path(broker)
                                    .path("condition")
                                    .asText())
                            .isEqualTo("service_healthy"));
        });
    }

    @Test
    void givesEveryInstanceAStableNameAndItsOwnNamedVolume() {
        final Set<String> declared = fieldNames(compose.path("volumes"));
        final List<String> volumes = new ArrayList<>();
        apps.forEach((name, app) -> {
            final Map<String, String> env = env(app);
            // static membership, its state directory, and how the other instances reach it
            assertThat(env.get("INSTANCE_ID")).as(name).isEqualTo(name);
            assertThat(env.get("ADVERTISED_HOST")).as(name).isEqualTo(name);
            final String mount = texts(app.path("volumes")).stream()
                    .filter(volume -> volume.endsWith(":" + env.get("DATA_DIR")))
                    .findFirst()
                    .orElse(null);
            assertThat(mount)
                    .as(name + " mounts a named volume at the data dir")
                    .isNotNull()
                    .doesNotStartWith("/");
            volumes.add(mount.substring(0, mount.indexOf(':')));
        });
        assertThat(volumes)
                .doesNotHaveDuplicates()
                .allSatisfy(volume -> assertThat(declared).contains(volume));
    }

    @Test
    void reportsHealthyOnlyWhenTheInstanceIsReadyAndPublishesEachOnItsOwnLoopbackPort() {
        final List<String> hostPorts = new ArrayList<>();
        apps.forEach((name, app) -> {
            final String check = String.join(" ", texts(app.path("healthcheck").path("test")));
            assertThat(check).as(name).contains("/dev/tcp/127.0.0.1/8080", "GET /health/ready ", "' 200 '");
            final String published = texts(app.path("ports")).get(0);
            assertThat(published).as(name).startsWith("127.0.0.1:").endsWith(":8080");
            hostPorts.add(published);
        });
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void runsJaegerWithItsOtlpReceiversAndUiOnLoopback() {
        final JsonNode jaeger = compose.path("services").path(JAEGER);
        assertThat(jaeger.path("image").asText()).startsWith("jaegertracing/jaeger:");
        assertThat(texts(jaeger.path("ports")))
                .contains(
                        "127.0.0.1:16686:16686",
                        "127.0.0.1:4317:" + JAEGER_OTLP_GRPC,
                        "127.0.0.1:4318:" + JAEGER_OTLP_HTTP);
    }

    @Test
    void everyInstanceSendsItsSpansToJaegersOtlpHttpReceiver() {
        assertThat(apps.values()).allSatisfy(app -> {
            final String endpoint = env(app).get("OTEL_EXPORTER_OTLP_ENDPOINT");
            assertThat(endpoint).isEqualTo("http://" + JAEGER + ":" + JAEGER_OTLP_HTTP);
            // what `run` makes of it: no refusal at start
            assertThat(Tracing.otlp(endpoint).describe()).isEqualTo("OTLP/HTTP to " + endpoint + "/v1/traces");
        });
    }

    @Test
    void takesTheAdminTokenFromTheEnvironmentAndRefusesToStartWithoutIt() {
        // ${VAR:?message}: compose stops with the message when VAR is unset or empty; no token in the file
        assertThat(apps.values())
                .allSatisfy(app -> assertThat(env(app).get("ADMIN_TOKEN")).matches("\\$\\{ADMIN_TOKEN:\\?[^}]+}"));
    }

    @Test
    void buildsTheAppImageFromTheDockerfileAtTheRepositoryRoot() {
        assertThat(apps.values()).allSatisfy(app -> {
            final Path context =
                    DOCKER.resolve(app.path("build").path("context").asText()).normalize();
            final Path dockerfile = context.resolve(
                            app.path("build").path("dockerfile").asText())
                    .normalize();

            assertThat(context.toAbsolutePath()).isEqualTo(Path.of("").toAbsolutePath());
            assertThat(dockerfile).isEqualTo(DOCKERFILE);
        });
    }

    @Test
    void buildsTheJarWithMavenAndRunsItOnAJre() throws IOException {
        final List<String[]> instructions = dockerfileInstructions();
        final List<String[]> froms =
                instructions.stream().filter(line -> line[0].equals("FROM")).toList();
        assertThat(froms).hasSizeGreaterThanOrEqualTo(2);

        final String[] buildStage = froms.get(0)[1].split("\\s+");
        assertThat(buildStage[0]).startsWith("maven:");
        assertThat(buildStage).hasSize(3);
        assertThat(buildStage[1]).isEqualToIgnoringCase("AS");
        final String buildStageName = buildStage[2];
        assertThat(instructions.subList(0, instructions.indexOf(froms.get(1)))).anySatisfy(line -> {
            assertThat(line[0]).isEqualTo("RUN");
            assertThat(line[1]).contains("mvn", "package");
        });

        final String[] runStage = froms.get(froms.size() - 1)[1].split("\\s+");
        assertThat(runStage[0]).contains("jre");
        final List<String[]> finalStage =
                instructions.subList(instructions.indexOf(froms.get(froms.size() - 1)), instructions.size());
        final String workdir = finalStage.stream()
                .filter(line -> line[0].equals("WORKDIR"))
                .reduce((first, second) -> second)
                .map(line -> line[1])
                .orElse("/");
        final String jarCopy = finalStage.stream()
                .filter(line -> line[0].equals("COPY"))
                .map(line -> line[1])
                .filter(args -> args.contains("target/purchase-pipeline.jar"))
                .findFirst()
                .orElse(null);
        assertThat(jarCopy)
                .as("the final stage copies the built jar")
                .isNotNull()
                .startsWith("--from=" + buildStageName + " ");
        final String[] copyArgs = jarCopy.split("\\s+");
        final String jarInImage =
                Path.of(workdir).resolve(copyArgs[copyArgs.length - 1]).toString();

        final String entrypoint = finalStage.stream()
                .filter(line -> line[0].equals("ENTRYPOINT"))
                .reduce((first, second) -> second)
                .map(line -> line[1])
                .orElseThrow();
        final List<String> command = texts(new JsonMapper().readTree(entrypoint));
        assertThat(command).startsWith("java").containsSequence("-jar", jarInImage);
    }

    @Test
    void bindsTheHttpEndpointToAllInterfacesOfTheContainer() throws IOException {
        assertThat(dockerfileInstructions()).anySatisfy(line -> {
            assertThat(line[0]).isEqualTo("ENV");
            assertThat(line[1]).isEqualTo("HTTP_HOST=0.0.0.0");
        });
    }

    @Test
    void prometheusScrapesEveryAppInstanceOnTheContainerPortItServes() throws IOException {
        final JsonNode prometheus = compose.path("services").path("prometheus");
        assertThat(prometheus.path("image").asText()).startsWith("prom/prometheus:");
        final String configFile = texts(prometheus.path("command")).stream()
                .filter(arg -> arg.startsWith("--config.file="))
                .map(arg -> arg.substring("--config.file=".length()))
                .findFirst()
                .orElseThrow();
        final JsonNode scrape =
                new YAMLMapper().readTree(mounted(prometheus, configFile).toFile());

        final List<String> targets = new ArrayList<>();
        scrape.path("scrape_configs").forEach(job -> {
            assertThat(job.path("metrics_path").asText())
                    .as(job.path("job_name").asText())
                    .isEqualTo("/metrics");
            job.path("static_configs").forEach(config -> targets.addAll(texts(config.path("targets"))));
        });
        final List<String> instances = apps.entrySet().stream()
                .map(app -> app.getKey() + ":"
                        + containerPort(texts(app.getValue().path("ports")).get(0)))
                .toList();
        assertThat(targets)
                .as("one target per instance, at the port its endpoint listens on in its container")
                .containsExactlyInAnyOrderElementsOf(instances);
        apps.values()
                .forEach(app -> assertThat(
                                String.join(" ", texts(app.path("healthcheck").path("test"))))
                        .contains("/dev/tcp/127.0.0.1/"
                                + containerPort(texts(app.path("ports")).get(0)) + " "));
        assertThat(texts(prometheus.path("depends_on"))).containsExactlyInAnyOrderElementsOf(apps.keySet());
        assertThat(texts(prometheus.path("ports"))).singleElement().asString().startsWith("127.0.0.1:");
        assertThat(namedVolumes(prometheus))
                .allSatisfy(volume ->
                        assertThat(fieldNames(compose.path("volumes"))).contains(volume));
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusDataSourceAndTheDashboard() throws IOException {
        final JsonNode grafana = compose.path("services").path("grafana");
        assertThat(grafana.path("image").asText()).startsWith("grafana/grafana:");
        assertThat(texts(grafana.path("depends_on"))).contains("prometheus");
        assertThat(env(grafana).get("GF_SECURITY_ADMIN_PASSWORD")).matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?[^}]+}");
        assertThat(texts(grafana.path("ports"))).singleElement().asString().startsWith("127.0.0.1:");

        final Path provisioning = mounted(grafana, "/etc/grafana/provisioning");
        final JsonNode source = new YAMLMapper()
                .readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
                .path("datasources")
                .get(0);
        final String prometheusPort = containerPort(
                texts(compose.path("services").path("prometheus").path("ports")).get(0));
        assertThat(source.path("type").asText()).isEqualTo("prometheus");
        assertThat(source.path("url").asText()).isEqualTo("http://prometheus:" + prometheusPort);

        final JsonNode provider = new YAMLMapper()
                .readTree(
                        provisioning.resolve("dashboards/purchase-pipeline.yml").toFile())
                .path("providers")
                .get(0);
        final Path dashboards =
                mounted(grafana, provider.path("options").path("path").asText());
        assertThat(dashboards.resolve(DashboardQueries.DASHBOARD.getFileName())).isEqualTo(DashboardQueries.DASHBOARD);
        assertThat(env(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
                .isEqualTo(provider.path("options").path("path").asText() + "/"
                        + DashboardQueries.DASHBOARD.getFileName());

        final JsonNode dashboard = DashboardQueries.dashboard();
        final List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.path("datasource").path("uid").asText())
                    .as(panel.path("title").asText())
                    .isEqualTo(source.path("uid").asText());
            assertThat(panel.path("targets"))
                    .as(panel.path("title").asText())
                    .isNotEmpty()
                    .allSatisfy(target -> assertThat(
                                    target.path("datasource").path("uid").asText())
                            .isEqualTo(source.path("uid").asText()));
        });
        assertThat(panels.stream().map(panel -> panel.path("id").asInt()).toList())
                .doesNotHaveDuplicates();
        assertThat(namedVolumes(grafana))
                .allSatisfy(volume ->
                        assertThat(fieldNames(compose.path("volumes"))).contains(volume));
    }

    @Test
    void theDashboardShowsOrdersHttpStreamsAndTheJvm() throws IOException {
        // what an operator looks at first; that each name is exported is checked against a running app
        // (DashboardMetricsOnBrokerTest)
        assertThat(DashboardQueries.metricNames(DashboardQueries.dashboard()))
                .contains(
                        "pipeline_orders_ended_total", "http_server_requests_seconds_bucket",
                        "kafka_stream_processor_node_record_e2e_latency_avg", "kafka_stream_thread_commit_latency_avg",
                        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum");
        assertThat(DashboardQueries.metricNames(
                        "histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket{route!=\"/x\"}[1m])))"
                                + " / on (route) max(up) and bool topk(3, process_cpu_usage offset 5m)"))
                .as("functions, labels, keywords and strings are not metric names")
                .containsExactly("http_server_requests_seconds_bucket", "process_cpu_usage", "up");
    }

    /** The host path (relative to docker/) mounted at {@code target} in {@code service}. */
    private static Path mounted(final JsonNode service, final String target) {
        final String mount = texts(service.path("volumes")).stream()
                .filter(volume -> volume.split(":")[1].equals(target))
                .findFirst()
                .orElse(null);
        assertThat(mount).as("a mount at " + target).isNotNull().startsWith("./");
        final Path host = DOCKER.resolve(mount.split(":")[0]).normalize();
        assertThat(host).exists();
        return host;
    }

    private static List<String> namedVolumes(final JsonNode service) {
        return texts(service.path("volumes")).stream()
                .filter(volume -> !volume.startsWith(".") && !volume.startsWith("/"))
                .map(volume -> volume.substring(0, volume.indexOf(':')))
                .toList();
    }

    /** The container's side of a published port ({@code 127.0.0.1:8081:8080} → {@code 8080}). */
    private static String containerPort(final String published) {
        return published.substring(published.lastIndexOf(':') + 1);
    }

    private static List<String[]> dockerfileInstructions() throws IOException {
        final String joined = Files.readAllLines(DOCKERFILE).stream()
                .filter(line -> !line.isBlank() && !line.strip().startsWith("#"))
                .collect(Collectors.joining("\n"))
                .replaceAll("\\\\\n", " ");
        return Arrays.stream(joined.split("\n"))
                .map(line -> line.strip().split("\\s+", 2))
                .map(words -> new String[] {words[0].toUpperCase(), words.length > 1 ? words[1].strip() : ""})
                .toList();
    }

    /** The environment of a service, in either of compose's two forms (a map or a list of NAME=value). */
    private static Map<String, String> env(final JsonNode service) {
        final JsonNode environment = service.path("environment");
        final Map<String, String> env = new LinkedHashMap<>();
        if (environment.isArray()) {
            texts(environment).forEach(entry -> {
                final int equals = entry.indexOf('=');
                env.put(
                        equals < 0 ? entry : entry.substring(0, equals),
                        equals < 0 ? null : entry.substring(equals + 1));
            });
        } else {
            environment
                    .properties()
                    .forEach(entry -> env.put(entry.getKey(), entry.getValue().asText()));
        }
        return env;
    }

    /** Listener name → host:port (the host may be empty: bind to all interfaces). */
    private static Map<String, String> listeners(final JsonNode broker, final String variable) {
        final String value = env(broker).get(variable);
        assertThat(value).as(variable).isNotBlank();
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .collect(Collectors.toMap(
                        listener -> listener.substring(0, listener.indexOf("://")),
                        listener -> listener.substring(listener.indexOf("://") + 3)));
    }

    private static String controllerListener(final JsonNode broker) {
        return env(broker).get("KAFKA_CONTROLLER_LISTENER_NAMES");
    }

    private static String port(final String hostAndPort) {
        assertThat(hostAndPort).isNotNull();
        return hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1);
    }

    private static List<String> texts(final JsonNode array) {
        final List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    private static Set<String> fieldNames(final JsonNode object) {
        final Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
