package dev.modelgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import dev.modelgateway.App;

/**
 * Boots the real gateway in-process, exactly as {@code java -jar} does from the repository root (same routes,
 * prompts, application.properties), on a free port, with a models.yaml written by the test.
 */
public final class GatewayTestServer implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A models.yaml for tests about the gateway itself, not a model call: one model, {@code m}, whose upstream nothing
     * listens on (port 9, discard).
     */
    public static final String ONE_UNREACHABLE_MODEL = """
            model_list:
              - model_name: m
                litellm_params:
                  model: hosted_vllm/m
                  api_base: http://127.0.0.1:9/v1
            """;

    private final Main main;
    private final int port;

    private GatewayTestServer(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    /** Starts the gateway with this models.yaml text and these extra settings (they win over application.properties). */
    public static GatewayTestServer start(String modelsYaml, Map<String, String> settings) {
        return start(modelsYaml, settings, freePort());
    }

    /** As {@link #start(String, Map)}, on a given API port. */
    public static GatewayTestServer start(String modelsYaml, Map<String, String> settings, int port) {
        return start(modelsYaml, settings, port, Map.of());
    }

    /** As {@link #start(String, Map)}, with beans bound in the registry before the gateway configures itself. */
    public static GatewayTestServer startWithBeans(String modelsYaml, Map<String, String> settings,
            Map<String, Object> beans) {
        return start(modelsYaml, settings, freePort(), beans);
    }

    private static GatewayTestServer start(String modelsYaml, Map<String, String> settings, int port,
            Map<String, Object> beans) {
        try {
            Path models = Files.createTempFile("models-", ".yaml");
            Files.writeString(models, modelsYaml);
            models.toFile().deleteOnExit();
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("camel.server.port", String.valueOf(port));
            overrides.put("camel.management.port", String.valueOf(freePort()));
            overrides.put("gateway.models-file", models.toString());
            overrides.put("gateway.emulator.enabled", "false");
            overrides.put("gateway.upstream.initial-backoff", "20ms");
            overrides.put("gateway.upstream.max-backoff", "200ms");
            // the queue (and its embedded broker) only where a test asks for it: most boots have no use for it
            overrides.put("gateway.queue.enabled", "false");
            overrides.put("gateway.broker.port", String.valueOf(freePort()));
            Path brokerData = Files.createTempDirectory("broker-");
            brokerData.toFile().deleteOnExit();
            overrides.put("gateway.broker.data-dir", brokerData.toString());
            overrides.putAll(settings);
            Main main = new Main(App.class);
            main.setPropertyPlaceholderLocations(
                    "file:application.properties;optional=true,classpath:gateway-defaults.properties");
            main.setOverrideProperties(overrides);
            beans.forEach(main::bind);
            main.start();
            return new GatewayTestServer(main, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GatewayTestServer start(String modelsYaml) {
        return start(modelsYaml, Map.of());
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A path on the management port (camel.management.port: /observe/..., /status). */
    public URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + context().resolvePropertyPlaceholders("{{camel.management.port}}")
                + path);
    }

    public HttpResponse<String> management(String method, String path) {
        return send(HttpRequest.newBuilder(managementUri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A streaming POST: the body arrives line by line as the gateway writes it. */
    public HttpResponse<java.util.stream.Stream<String>> postStreaming(String path, String json) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }
}
