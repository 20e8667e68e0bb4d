package dev.modelgateway.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Live edits (contract section 11, issue 11's done-when) on a running gateway with its real routes and prompts,
 * copied to a temporary directory the test edits: an added model, an edited prompt and edited routes (an HTTP entry
 * route and the direct: router route) apply within 2 s while a stream is in flight and clients hammer the edited
 * routes: the stream completes on the old version and no request fails. A broken edit of each kind is refused with
 * one WARN line naming the file and the entry or line, and the old behaviour keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveEditsTest {

    static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    /** A refusal has no deadline in the contract; it comes as fast as an edit applies, this only bounds the wait. */
    static final Duration REFUSAL = Duration.ofSeconds(5);
    static Path dir;
    static Path models;
    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static Warnings warnings;
    static final CompletableFuture<Void> release = new CompletableFuture<>();

    @BeforeAll
    @Timeout(120)
    static void start() throws IOException {
        dir = Files.createTempDirectory("live-edits-");
        copy(Path.of("routes"), dir.resolve("routes"));
        copy(Path.of("prompts"), dir.resolve("prompts"));
        // streams are held until the test releases them; anything else is answered at once
        upstream = new CaptureServer().answer((req, resp) -> {
            if (req.body().contains("\"stream\":true")) {
                resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
                resp.write(chunk("first"));
                release.thenRun(() -> upstream.later(v -> resp.write(chunk("rest"))
                        .compose(x -> resp.end("data: [DONE]\n\n"))));
                return;
            }
            resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"unary\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
        });
        models = dir.resolve("models.yaml");
        Files.writeString(models, modelsYaml(""));
        warnings = new Warnings();
        gateway = GatewayTestServer.start("", Map.of(
                "gateway.models-file", models.toString(),
                "gateway.prompts-dir", dir.resolve("prompts").toString(),
                "camel.main.routes-include-pattern", "file:" + dir.resolve("routes") + "/*.camel.yaml",
                "gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(GatewayTestServer.freePort())));
    }

    @AfterAll
    static void stop() throws IOException {
        release.complete(null);
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        warnings.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String modelsYaml(String more) {
        return """
                model_list:
                  - model_name: llama
                    litellm_params:
                      model: hosted_vllm/llama
                      api_base: %s/v1
                """.formatted(upstream.baseUrl()) + more;
    }

    static final String ADDED = """
              - model_name: added-live
                litellm_params:
                  model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct
                  api_base: http://127.0.0.1:%s/openai/v1
            """;

    @Test
    @Order(1)
    @Timeout(60)
    void goodEditsApplyWithinTwoSecondsWhileAStreamIsInFlightAndNothingFails() throws Exception {
        HttpResponse<Stream<String>> stream = gateway.postStreaming("/v1/chat/completions",
                "{\"model\":\"llama\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(stream.statusCode()).isEqualTo(200);
        var lines = stream.body().filter(l -> l.startsWith("data: ")).iterator();
        assertThat(lines.next()).contains("first");

        // clients keep calling the routes being replaced: an HTTP entry route and, through it, the direct: router
        AtomicBoolean hammering = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> hammers = new ArrayList<>();
        for (String path : List.of("/v1/models", "/v1/chat/completions")) {
            Thread t = new Thread(() -> {
                HttpClient client = HttpClient.newHttpClient();
                while (hammering.get()) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path));
                    if (path.equals("/v1/models")) {
                        b.GET();
                    } else {
                        b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
                    }
                    try {
                        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.add(java.time.LocalTime.now() + " " + path + " " + r.statusCode() + " " + r.body()
                                    + " " + r.headers().map());
                        }
                        answered.incrementAndGet();
                    } catch (IOException | InterruptedException e) {
                        failures.add(path + " " + e);
                    }
                }
            }, "hammer " + path);
            t.start();
            hammers.add(t);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 20);

        // models.yaml: one more model
        String emulatorPort = gateway.context().resolvePropertyPlaceholders("{{gateway.emulator.port}}");
        long t0 = System.nanoTime();
        Files.writeString(models, modelsYaml(ADDED.formatted(emulatorPort)));
        await().atMost(TWO_SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> gateway.get("/v1/models").body().contains("added-live"));
        long modelMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"added-live\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}]}").body()).contains("emulat");

        // a prompt: new text in the template
        Path prompt = dir.resolve("prompts/chat/explain_code/base/1.0.0.yml");
        t0 = System.nanoTime();
        Files.writeString(prompt, Files.readString(prompt).replace("Selected code:", "Selected code (live edit):"));
        await().atMost(TWO_SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
            return explain("x = 1").contains("Selected code (live edit):");
        });
        long promptMillis = (System.nanoTime() - t0) / 1_000_000;

        // routes: the /v1/models entry route answers a new header; the direct: router route marks its exchanges
        Path openai = dir.resolve("routes/api-openai.camel.yaml");
        Path router = dir.resolve("routes/router.camel.yaml");
        t0 = System.nanoTime();
        // (after list-models, which sets the whole answer)
        Files.writeString(openai, Files.readString(openai).replace("""
                            ref: modelsList
                """, """
                            ref: modelsList
                        - setHeader:
                            id: live-edit-mark
                            name: X-Live-Edit
                            constant: "2"
                """));
        Files.writeString(router, Files.readString(router).replaceFirst("(?m)^(\\s+)steps:\\n", """
                $1steps:
                $1  - setProperty:
                $1      id: live-edit-router-mark
                $1      name: liveEditRouter
                $1      constant: "2"
                """));
        await().atMost(TWO_SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> "2".equals(gateway.get("/v1/models").headers().firstValue("X-Live-Edit").orElse(null)));
        long routeMillis = (System.nanoTime() - t0) / 1_000_000;
        await().atMost(TWO_SECONDS).until(() -> gateway.context().getRoute("invoke-model--next") != null
                || routeHasStep("invoke-model", "live-edit-router-mark"));

        // the stream began before every edit: it ends normally, on the old versions
        release.complete(null);
        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        assertThat(rest).anySatisfy(l -> assertThat(l).contains("rest"));
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");

        await().atMost(Duration.ofSeconds(3)).until(() -> answered.get() > 100);
        hammering.set(false);
        for (Thread t : hammers) {
            t.join(10_000);
        }
        assertThat(failures).as("requests failed during the edits").isEmpty();
        // once the old versions' exchanges ended, the routes carry their own ids again
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gateway.context().getRoutes()).noneMatch(r -> r.getRouteId().endsWith("--next"));
            assertThat(routeHasStep("models", "live-edit-mark")).isTrue();
            assertThat(routeHasStep("invoke-model", "live-edit-router-mark")).isTrue();
        });
        System.out.printf("live edits applied in: models.yaml %d ms, prompt %d ms, routes %d ms; %d requests "
                + "during the edits, none failed%n", modelMillis, promptMillis, routeMillis, answered.get());
    }

    static boolean routeHasDefinition(String routeId) {
        return ((org.apache.camel.model.ModelCamelContext) gateway.context()).getRouteDefinition(routeId) != null;
    }

    /** The version the live reload serves for this file. */
    static String version(Path file) {
        return gateway.context().getRegistry().lookupByNameAndType("liveReload", LiveReload.class).files().stream()
                .filter(w -> w.label().equals(file.toString())).map(LiveReload.Watched::version).findFirst()
                .orElse(null);
    }

    static boolean routeHasStep(String routeId, String stepId) {
        return routeHasStep(gateway.context(), routeId, stepId);
    }

    static boolean routeHasStep(org.apache.camel.CamelContext context, String routeId, String stepId) {
        var def = ((org.apache.camel.model.ModelCamelContext) context).getRouteDefinition(routeId);
        return def != null && org.apache.camel.model.ProcessorDefinitionHelper.filterTypeInOutputs(def.getOutputs(),
                org.apache.camel.model.ProcessorDefinition.class).stream().anyMatch(p -> stepId.equals(p.getId()))
                && context.getRoute(routeId) != null;
    }

    @Test
    @Order(2)
    @Timeout(60)
    void brokenEditsAreRefusedWithOneWarningNamingFileAndLineAndTheOldVersionKeepsServing() throws Exception {
        // models.yaml: an unknown provider
        String before = Files.readString(models);
        warnings.clear();
        Files.writeString(models, before + """
                  - model_name: broken
                    litellm_params:
                      model: nosuchprovider/x
                """);
        await().atMost(REFUSAL).until(() -> warnings.about(models.toString()).size() == 1);
        assertThat(warnings.about(models.toString()).get(0)).contains("broken");
        assertThat(gateway.get("/v1/models").body()).contains("added-live").doesNotContain("\"broken\"");
        // models.yaml: not YAML at all
        warnings.clear();
        Files.writeString(models, before + "  - model_name: [unclosed\n");
        await().atMost(REFUSAL).until(() -> warnings.about(models.toString()).size() == 1);
        assertThat(warnings.about(models.toString()).get(0)).contains("line");
        assertThat(gateway.get("/v1/models").body()).contains("added-live");

        // a prompt whose template does not parse
        Path prompt = dir.resolve("prompts/chat/explain_code/base/1.0.0.yml");
        String good = Files.readString(prompt);
        warnings.clear();
        Files.writeString(prompt, good.replace("Selected code (live edit):", "{% if %}broken"));
        await().atMost(REFUSAL).until(() -> warnings.about("explain_code").size() == 1);
        assertThat(warnings.about("explain_code").get(0)).contains(prompt.toString()).contains("line");
        assertThat(explain("x = 2")).contains("Selected code (live edit):");

        // a route that does not start (a step naming a bean that does not exist), then one that is not YAML
        Path openai = dir.resolve("routes/api-openai.camel.yaml");
        String goodRoutes = Files.readString(openai);
        warnings.clear();
        Files.writeString(openai, goodRoutes.replace("ref: modelsList", "ref: noSuchBean"));
        await().atMost(REFUSAL).until(() -> warnings.about(openai.toString()).size() == 1);
        assertThat(warnings.about(openai.toString()).get(0)).contains("noSuchBean");
        HttpResponse<String> models = gateway.get("/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.headers().firstValue("X-Live-Edit")).hasValue("2");
        warnings.clear();
        Files.writeString(openai, goodRoutes.replace("    id: models\n", "    id: models\n   bad: [\n"));
        await().atMost(REFUSAL).until(() -> warnings.about(openai.toString()).size() == 1);
        assertThat(warnings.about(openai.toString()).get(0)).containsPattern(":\\d+:");
        assertThat(gateway.get("/v1/models").statusCode()).isEqualTo(200);
        assertThat(gateway.context().getRoutes()).noneMatch(r -> r.getRouteId().endsWith("--next"));

        // one WARN per refused edit, not one per look
        assertThat(warnings.about(openai.toString())).hasSize(1);
        // /status and /observe/info show what serves and the last refusal; readiness is untouched
        String status = gateway.management("GET", "/status").body();
        assertThat(status).contains("Live edits").contains("last rejected edit").contains(openai.toString())
                .contains(LiveEditsTest.models.toString());
        String info = gateway.management("GET", "/observe/info").body();
        assertThat(info).contains("\"reload\"").contains("last_rejected").contains("api-openai.camel.yaml");
        assertThat(gateway.management("GET", "/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    @Timeout(60)
    void aNewRouteFileAddsItsEndpointAndDeletingItRemovesIt() throws Exception {
        Path extra = dir.resolve("routes/live-extra.camel.yaml");
        Files.writeString(extra, """
                - route:
                    id: live-hello
                    from:
                      uri: platform-http:/live/hello
                      parameters:
                        httpMethodRestrict: GET
                      steps:
                        - setBody:
                            id: live-hello-body
                            constant: hello from a live edit
                """);
        await().atMost(TWO_SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> gateway.get("/live/hello").body().equals("hello from a live edit"));

        // a route without an id cannot be replaced by id later: refused, naming the file
        warnings.clear();
        Files.writeString(extra, Files.readString(extra).replace("    id: live-hello\n", ""));
        await().atMost(REFUSAL).until(() -> warnings.about(extra.toString()).size() == 1);
        assertThat(warnings.about(extra.toString()).get(0)).contains("has no id");
        assertThat(gateway.get("/live/hello").body()).isEqualTo("hello from a live edit");

        // the queue route says autoStartup {{gateway.queue.enabled}} (false here): replaced, still not started
        Path queue = dir.resolve("routes/queue.camel.yaml");
        Files.writeString(queue, Files.readString(queue) + "# edited\n");
        await().atMost(REFUSAL).until(() -> gateway.context().getRoute("queue-requests--next") == null
                && routeHasDefinition("queue-requests") && Fingerprint.of(queue).equals(version(queue)));
        assertThat(gateway.context().getRouteController().getRouteStatus("queue-requests").isStarted()).isFalse();

        Files.delete(extra);
        await().atMost(TWO_SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> gateway.get("/live/hello").statusCode() == 404);
        await().atMost(REFUSAL).until(() -> gateway.context().getRoute("live-hello") == null);
    }

    // ---- support

    /** Runs the explain_code prompt on this code; returns the request the model received. */
    static String explain(String code) {
        HttpResponse<String> r = gateway.post("/v1/prompts/chat/explain_code", "{\"inputs\":{\"selected_text\":\""
                + code + "\",\"language\":\"python\",\"file_name\":\"a.py\"},\"model_metadata\":{\"name\":"
                + "\"llama\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<CaptureServer.Captured> seen = upstream.requests();
        for (int i = seen.size() - 1; i >= 0; i--) {
            if (seen.get(i).body().contains(code)) {
                return seen.get(i).body();
            }
        }
        throw new AssertionError("the model never received the prompt with " + code);
    }

    static String chunk(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n";
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** WARN lines of the gateway's loggers while the test runs. */
    static final class Warnings extends AbstractAppender implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);

        Warnings() {
            super("live-edit-warnings", null, null, true, Property.EMPTY_ARRAY);
            start();
            ctx.getConfiguration().getRootLogger().addAppender(this, null, null);
            ctx.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLevel() == org.apache.logging.log4j.Level.WARN) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        }

        List<String> about(String text) {
            return lines.stream().filter(l -> l.contains(text)).toList();
        }

        void clear() {
            lines.clear();
        }

        @Override
        public void close() {
            ctx.getConfiguration().getRootLogger().removeAppender(getName());
            ctx.updateLoggers();
            stop();
        }
    }
}
