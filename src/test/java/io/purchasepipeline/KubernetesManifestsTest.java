package io.purchasepipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.purchasepipeline.cli.Main;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TopicProvisioner;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * No cluster runs the manifests in the build, so this reads docker/k8s and checks that they agree
 * with the app: the options and environment {@code run} reads, its port and probes, the topics it
 * provisions, and the wiring between the resources (selectors, service names, volumes).
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("docker", "k8s");

    private static final Map<String, List<JsonNode>> BY_KIND = new TreeMap<>();
    private static CommandSpec run;
    private static JsonNode statefulSet;
    private static JsonNode container;
    private static Map<String, JsonNode> env;

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            for (final Path file : files.filter(path -> path.toString().endsWith(".yaml"))
                    .sorted()
                    .toList()) {
                for (final JsonNode document : new YAMLMapper()
                        .readerFor(JsonNode.class)
                        .<JsonNode>readValues(file.toFile())
                        .readAll()) {
                    if (document != null && document.has("kind")) {
                        BY_KIND.computeIfAbsent(document.get("kind").asText(), kind -> new ArrayList<>())
                                .add(document);
                    }
                }
            }
        }
        run = new CommandLine(new Main()).getSubcommands().get("run").getCommandSpec();
        // the defaults as written (${env:NAME:-value}), not as resolved on this machine
        run.interpolateVariables(false);
        statefulSet = only("StatefulSet");
        container = statefulSet.at("/spec/template/spec/containers/0");
        env = new LinkedHashMap<>();
        container.path("env").forEach(variable -> env.put(variable.get("name").asText(), variable));
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        final JsonNode kustomization =
                new YAMLMapper().readTree(K8S.resolve("kustomization.yaml").toFile());
        final Set<String> listed =
                texts(kustomization.path("resources")).stream().collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(K8S)) {
            assertThat(listed)
                    .isEqualTo(files.map(file -> file.getFileName().toString())
                            .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                            .collect(Collectors.toSet()));
        }
    }

    @Test
    void everyPodHasItsOwnVolumeForTheDataDirectory() {
        final JsonNode claim = statefulSet.at("/spec/volumeClaimTemplates/0");
        final String dataDir = value("DATA_DIR");
        assertThat(container.path("volumeMounts")).anySatisfy(mount -> {
            assertThat(mount.get("name").asText())
                    .isEqualTo(claim.at("/metadata/name").asText());
            assertThat(mount.get("mountPath").asText()).isEqualTo(dataDir);
        });
        assertThat(texts(claim.at("/spec/accessModes"))).containsExactly("ReadWriteOnce");
        assertThat(optionReadingEnv("DATA_DIR").longestName()).isEqualTo("--data-dir");
    }

    @Test
    void theInstanceIdAndTheAdvertisedHostComeFromThePodsStableNameThroughTheHeadlessService() {
        final JsonNode peers = BY_KIND.get("Service").stream()
                .filter(service -> "None".equals(service.at("/spec/clusterIP").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(statefulSet.at("/spec/serviceName").asText())
                .isEqualTo(peers.at("/metadata/name").asText());
        assertThat(peers.at("/spec/publishNotReadyAddresses").asBoolean())
                .as("owners are found while they restore")
                .isTrue();
        assertThat(env.get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(env.get("POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.namespace");
        assertThat(value("INSTANCE_ID")).isEqualTo("$(POD_NAME)");
        assertThat(value("ADVERTISED_HOST"))
                .isEqualTo(
                        "$(POD_NAME)." + peers.at("/metadata/name").asText() + ".$(POD_NAMESPACE).svc.cluster.local");
        assertThat(value("LEAVE_GROUP_ON_STOP")).isEqualTo("false");
        assertThat(optionReadingEnv("INSTANCE_ID").longestName()).isEqualTo("--instance-id");
        assertThat(optionReadingEnv("ADVERTISED_HOST").longestName()).isEqualTo("--advertised-host");
        assertThat(optionReadingEnv("LEAVE_GROUP_ON_STOP").longestName()).isEqualTo("--leave-group-on-stop");
    }

    @Test
    void everyVariableIsOneTheAppReadsAndTheArgumentsAreItsOptions() {
        env.keySet().stream()
                .filter(name -> !name.startsWith("POD_"))
                .forEach(name -> assertThat(optionReadingEnv(name)).as(name).isNotNull());
        final List<String> args = texts(container.path("args"));
        assertThat(args.get(0)).isEqualTo("run");
        assertThat(args.subList(1, args.size()).stream().filter(arg -> arg.startsWith("--")))
                .allSatisfy(
                        option -> assertThat(run.findOption(option)).as(option).isNotNull());
    }

    @Test
    void theKafkaConfigFileIsMountedWhereTheAppIsToldToReadItAndGivesASessionForARestart() throws IOException {
        final List<String> args = texts(container.path("args"));
        final Path file = Path.of(args.get(args.indexOf("--kafka-config") + 1));
        final JsonNode mount = stream(container.path("volumeMounts"))
                .filter(candidate -> candidate
                        .get("mountPath")
                        .asText()
                        .equals(file.getParent().toString()))
                .findFirst()
                .orElseThrow();
        final JsonNode volume = stream(statefulSet.at("/spec/template/spec/volumes"))
                .filter(candidate ->
                        candidate.get("name").asText().equals(mount.get("name").asText()))
                .findFirst()
                .orElseThrow();
        final JsonNode configMap = BY_KIND.get("ConfigMap").stream()
                .filter(map -> map.at("/metadata/name")
                        .asText()
                        .equals(volume.at("/configMap/name").asText()))
                .findFirst()
                .orElseThrow();
        final Properties settings = new Properties();
        settings.load(new StringReader(
                configMap.at("/data").get(file.getFileName().toString()).asText()));

        final StreamsConfig config = new StreamsConfig(StreamsSettings.of(
                "kafka:9092",
                Path.of("state"),
                settings.stringPropertyNames().stream()
                        .collect(Collectors.toMap(name -> name, settings::getProperty))));
        final String sessionKey = StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        final int session = Integer.parseInt(String.valueOf(
                config.getMainConsumerConfigs("group", "client", 0).get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        final int shipped = Integer.parseInt(
                StreamsSettings.of("kafka:9092", Path.of("state"), Map.of()).getProperty(sessionKey));
        assertThat(session)
                .as("a pod that keeps its tasks through a restart needs time to come back")
                .isGreaterThan(shipped);
    }

    @Test
    void probesAndPortsAreTheAppsAndResourcesAreRequested() {
        final JsonNode port = container.at("/ports/0");
        assertThat(port.get("name").asText()).isEqualTo("http");
        assertThat(port.get("containerPort").asText())
                .isEqualTo(value("HTTP_PORT"))
                .isEqualTo(optionReadingEnv("HTTP_PORT").defaultValue().replaceAll(".*:-(\\d+)}", "$1"));
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        for (final String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertThat(container.path(probe).at("/httpGet/port").asText())
                    .as(probe)
                    .isEqualTo("http");
        }
        assertThat(container.at("/resources/requests/cpu").asText()).isNotBlank();
        assertThat(container.at("/resources/requests/memory").asText()).isNotBlank();
        // the streams app gets 30 s to close
        assertThat(statefulSet
                        .at("/spec/template/spec/terminationGracePeriodSeconds")
                        .asInt())
                .isGreaterThan(30);
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectThePods() {
        final JsonNode labels = statefulSet.at("/spec/template/metadata/labels");
        assertThat(statefulSet.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(BY_KIND.get("Service")).hasSize(2).allSatisfy(service -> {
            assertThat(service.at("/spec/selector")).isEqualTo(labels);
            assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        });
        final JsonNode budget = only("PodDisruptionBudget");
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(statefulSet.at("/spec/replicas").asInt())
                .isGreaterThan(budget.at("/spec/maxUnavailable").asInt());
    }

    @Test
    void theTopicsAreTheOnesTheAppProvisionsCoPartitionedAndConfiguredAsItWould() {
        final List<JsonNode> topics = BY_KIND.get("KafkaTopic");
        assertThat(topics)
                .map(topic -> topic.at("/spec/topicName").asText())
                .containsExactlyInAnyOrderElementsOf(TopicProvisioner.topicNames());
        final String partitions = run.findOption("--partitions").defaultValue();
        final String cluster = value("KAFKA_BOOTSTRAP_SERVERS").replaceAll("-kafka-bootstrap:\\d+$", "");
        assertThat(topics).allSatisfy(topic -> {
            final String name = topic.at("/spec/topicName").asText();
            assertThat(topic.at("/spec/partitions").asText()).as(name).isEqualTo(partitions);
            assertThat(topic.at("/spec/replicas").asInt()).as(name).isEqualTo(3);
            assertThat(topic.at("/metadata/labels").get("strimzi.io/cluster").asText())
                    .as(name)
                    .isEqualTo(cluster);
            final Map<String, String> config = new TreeMap<>();
            topic.at("/spec/config")
                    .properties()
                    .forEach(
                            entry -> config.put(entry.getKey(), entry.getValue().asText()));
            assertThat(config)
                    .as(name)
                    .isEqualTo(new TreeMap<>(
                            TopicProvisioner.configs(name, (short) 3, TopicProvisioner.Retention.BROKER_DEFAULT)));
        });
    }

    private static OptionSpec optionReadingEnv(final String variable) {
        return run.options().stream()
                .filter(option -> option.defaultValue() != null
                        && (option.defaultValue().startsWith("${env:" + variable + "}")
                                || option.defaultValue().startsWith("${env:" + variable + ":-")))
                .findFirst()
                .orElse(null);
    }

    private static String value(final String name) {
        assertThat(env).as(name).containsKey(name);
        return env.get(name).get("value").asText();
    }

    private static JsonNode only(final String kind) {
        assertThat(BY_KIND.get(kind)).as(kind).hasSize(1);
        return BY_KIND.get(kind).get(0);
    }

    private static Stream<JsonNode> stream(final JsonNode array) {
        final List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    private static List<String> texts(final JsonNode array) {
        return stream(array).map(JsonNode::asText).toList();
    }
}
