package dev.modelgateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.modelgateway.support.GatewayTestServer;

/**
 * deploy/ says what the code does (issue 11): every variable the manifests and the image set is one the gateway reads,
 * the probes and the health check hit the real management paths and port, the image starts the gateway with the
 * README's command, and Kubernetes waits longer than the gateway drains.
 */
class DeployConsistencyTest {

    static final Path DEPLOY = Path.of("deploy");
    /** Variables the JVM reads itself, not the gateway. */
    static final List<String> JVM_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    static List<JsonNode> manifests() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.walk(DEPLOY.resolve("kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                try (var parser = new YAMLFactory().createParser(f.toFile())) {
                    yaml.readValues(parser, JsonNode.class).readAll().stream().filter(n -> n != null && n.has("kind"))
                            .forEach(docs::add);
                }
            }
        }
        return docs;
    }

    static JsonNode gatewayContainer() throws IOException {
        return manifests().stream().filter(d -> d.path("kind").asText().equals("Deployment")
                && d.at("/metadata/name").asText().equals("model-gateway")).findFirst().orElseThrow()
                .at("/spec/template/spec/containers/0");
    }

    static String dockerfile() throws IOException {
        return Files.readString(DEPLOY.resolve("Dockerfile"));
    }

    @Test
    void everyVariableTheManifestsAndTheImageSetIsOneTheGatewayReads() throws IOException {
        String settings = Files.readString(Path.of("application.properties"));
        List<String> names = new ArrayList<>();
        gatewayContainer().path("env").forEach(e -> names.add(e.get("name").asText()));
        Matcher env = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?([A-Z][A-Z0-9_]+)=").matcher(dockerfile());
        while (env.find()) {
            names.add(env.group(1));
        }
        assertThat(names).contains("GATEWAY_BROKER_URL", "GATEWAY_HOST", "GATEWAY_MANAGEMENT_HOST");
        for (String name : names) {
            if (!JVM_VARIABLES.contains(name)) {
                assertThat(settings).as(name + " is read by application.properties").contains("{{env:" + name + ":");
            }
        }
    }

    @Test
    @Timeout(120) // boots a gateway
    void probesAndHealthCheckUseTheRealManagementPathsAndPort() throws Exception {
        JsonNode container = gatewayContainer();
        int management = -1;
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals("management")) {
                management = port.path("containerPort").asInt();
            }
        }
        assertThat(management).isEqualTo(defaultOf("camel.management.port"));
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(dockerfile()).contains("http://127.0.0.1:" + management + "/observe/health/live");
        // and those paths answer on a running gateway's management port
        try (GatewayTestServer gateway = GatewayTestServer.start(
                GatewayTestServer.ONE_UNREACHABLE_MODEL)) {
            String port = gateway.context().resolvePropertyPlaceholders("{{camel.management.port}}");
            for (String path : List.of("/observe/health/live", "/observe/health/ready")) {
                int status = GatewayTestServer.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).GET().build()).statusCode();
                assertThat(status).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    @Timeout(60) // starts a JVM
    void theImageShipsTheThroughputCollectorTheBenchMeasuresAndKubernetesKeepsIt() throws Exception {
        Matcher shipped = Pattern.compile("(?m)^ENV JDK_JAVA_OPTIONS=\"(.*)\"$").matcher(dockerfile());
        assertThat(shipped.find()).as("deploy/Dockerfile sets JDK_JAVA_OPTIONS").isTrue();
        String options = shipped.group(1);
        assertThat(options).contains("-XX:+UseParallelGC");
        assertThat(Files.readString(Path.of("bench/run.sh"))).as("the bench runs the gateway as shipped")
                .contains("s/^ENV JDK_JAVA_OPTIONS=");
        // the manifests neither replace the options nor name a second collector, which the JVM would refuse
        gatewayContainer().path("env").forEach(e -> {
            assertThat(e.get("name").asText()).isNotEqualTo("JDK_JAVA_OPTIONS");
            if (e.get("name").asText().equals("JAVA_TOOL_OPTIONS")) {
                assertThat(e.path("value").asText()).doesNotContainPattern("Use\\w+GC");
            }
        });
        // a JVM takes them and runs that collector
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options.trim().split("\\s+")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor()).as(output).isZero();
        assertThat(output).containsPattern("bool UseParallelGC\\s+= true").doesNotContain("VM warning");
    }

    @Test
    void theImageStartsTheGatewayWithTheReadmesRunCommand() throws IOException {
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*])").matcher(dockerfile());
        assertThat(entry.find()).isTrue();
        ArrayNode args = (ArrayNode) new ObjectMapper().readTree(entry.group(1));
        List<String> command = new ArrayList<>();
        args.forEach(a -> command.add(a.asText()));
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("&& " + String.join(" ", command) + "\n");
        assertThat(readme).contains("(docs/deploy.md)");
        assertThat(Path.of("docs/deploy.md")).exists();
        assertThat(dockerfile()).containsPattern("(?m)^USER (?!root|0\\b)").contains("FROM maven:").contains("-jre");
    }

    @Test
    void kubernetesWaitsLongerThanTheGatewayDrainsAndEveryReplicaSharesTheBroker() throws IOException {
        JsonNode container = gatewayContainer();
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
        long drain = Long.parseLong(env.get("GATEWAY_SHUTDOWN_DRAIN_TIMEOUT").replace("s", ""));
        long preStop = container.at("/lifecycle/preStop/sleep/seconds").asLong();
        JsonNode pod = manifests().stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow().at("/spec/template/spec");
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(drain + preStop);
        JsonNode artemis = manifests().stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.at("/metadata/name").asText().equals("model-gateway-artemis")).findFirst().orElseThrow();
        assertThat(env.get("GATEWAY_BROKER_URL")).isEqualTo("tcp://model-gateway-artemis:"
                + artemis.at("/spec/ports/0/port").asInt());
        assertThat(manifests()).extracting(d -> d.path("kind").asText())
                .contains("StatefulSet", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "Deployment");
    }

    /** kustomization.yaml's configMapGenerator: ConfigMap name to (key to file, relative to deploy/kubernetes). */
    static Map<String, Map<String, Path>> generatedConfigMaps() throws IOException {
        Map<String, Map<String, Path>> maps = new java.util.LinkedHashMap<>();
        JsonNode kustomization = new YAMLMapper().readTree(DEPLOY.resolve("kubernetes/kustomization.yaml").toFile());
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            Map<String, Path> files = new java.util.LinkedHashMap<>();
            for (JsonNode f : generator.path("files")) {
                String entry = f.asText();
                int eq = entry.indexOf('=');
                Path file = Path.of(eq < 0 ? entry : entry.substring(eq + 1));
                files.put(eq < 0 ? file.getFileName().toString() : entry.substring(0, eq), file);
            }
            maps.put(generator.path("name").asText(), files);
        }
        return maps;
    }

    /** Where the gateway container mounts the ConfigMap of this name. */
    static JsonNode volumeOf(String configMap) throws IOException {
        JsonNode pod = manifests().stream().filter(d -> d.path("kind").asText().equals("Deployment")
                && d.at("/metadata/name").asText().equals("model-gateway")).findFirst().orElseThrow()
                .at("/spec/template/spec");
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.at("/configMap/name").asText().equals(configMap)) {
                return volume;
            }
        }
        throw new AssertionError("no volume of the Deployment uses the ConfigMap " + configMap);
    }

    static String mountPathOf(JsonNode volume) throws IOException {
        for (JsonNode mount : gatewayContainer().path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume.path("name").asText())) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("volume " + volume.path("name").asText() + " is not mounted");
    }

    static List<String> shipped(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix)).map(p -> dir.relativize(p).toString()
                    .replace('\\', '/')).sorted().toList();
        }
    }

    /**
     * models.yaml, routes/ and prompts/ come from ConfigMaps (issue 11 part 5), mounted where the gateway's env says
     * it reads them, and the routes and prompts there are the shipped ones (a cluster edits its copies; this
     * repository keeps them equal, so an image and its manifests agree).
     */
    @Test
    void modelsRoutesAndPromptsComeFromConfigMapsMountedWhereTheGatewayReadsThem() throws IOException {
        Map<String, Map<String, Path>> maps = generatedConfigMaps();
        Map<String, String> env = new java.util.HashMap<>();
        gatewayContainer().path("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
        Path kube = DEPLOY.resolve("kubernetes");

        assertThat(maps.get("model-gateway-config")).containsKey("models.yaml");
        assertThat(env.get("GATEWAY_MODELS_FILE"))
                .isEqualTo(mountPathOf(volumeOf("model-gateway-config")) + "/models.yaml");
        // the cluster's catalogue loads (its secrets come from the environment at start-up)
        dev.modelgateway.config.ModelCatalog.load(kube.resolve(maps.get("model-gateway-config").get("models.yaml")),
                name -> "set-at-start-up");

        Map<String, Path> routes = maps.get("model-gateway-routes");
        assertThat(routes).as("deploy/kubernetes/kustomization.yaml: model-gateway-routes lists every routes/ file")
                .containsOnlyKeys(shipped(Path.of("routes"), ".camel.yaml"));
        for (Map.Entry<String, Path> route : routes.entrySet()) {
            assertThat(kube.resolve(route.getValue())).as("copy routes/" + route.getKey() + " to deploy/kubernetes/"
                    + route.getValue()).hasSameTextualContentAs(Path.of("routes", route.getKey()));
        }
        assertThat(env.get("GATEWAY_ROUTES_DIR")).isEqualTo(mountPathOf(volumeOf("model-gateway-routes")));

        // a ConfigMap key has no "/": the key is the path with "__", and the volume's items put it back
        Map<String, Path> prompts = maps.get("model-gateway-prompts");
        List<String> shippedPrompts = shipped(Path.of("prompts"), ".yml");
        assertThat(prompts.keySet()).as("deploy/kubernetes/kustomization.yaml: model-gateway-prompts lists every "
                + "prompts/ file as <path with __ for />=config/prompts/<path>")
                .containsExactlyInAnyOrderElementsOf(shippedPrompts.stream().map(p -> p.replace("/", "__")).toList());
        Map<String, String> items = new java.util.HashMap<>();
        volumeOf("model-gateway-prompts").at("/configMap/items")
                .forEach(i -> items.put(i.path("key").asText(), i.path("path").asText()));
        for (String prompt : shippedPrompts) {
            String key = prompt.replace("/", "__");
            assertThat(kube.resolve(prompts.get(key))).as("copy prompts/" + prompt + " to deploy/kubernetes/"
                    + prompts.get(key)).hasSameTextualContentAs(Path.of("prompts", prompt));
            assertThat(items.get(key)).as("gateway.yaml: the prompts volume's items map " + key + " to " + prompt)
                    .isEqualTo(prompt);
        }
        assertThat(items).hasSameSizeAs(shippedPrompts);
        assertThat(env.get("GATEWAY_PROMPTS_DIR")).isEqualTo(mountPathOf(volumeOf("model-gateway-prompts")));
    }

    private static int defaultOf(String key) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=\\s*\\{\\{env:[A-Z_]+:(\\d+)}}")
                .matcher(Files.readString(Path.of("application.properties")));
        assertThat(m.find()).as(key).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
