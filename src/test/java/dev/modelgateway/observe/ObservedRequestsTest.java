package dev.modelgateway.observe;

import static dev.modelgateway.support.PrometheusText.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.AccessLogCapture;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Chat, completions, AI Gateway and prompt requests, unary and streamed, through two providers of the emulator
 * (OpenAI-compatible and Vertex): /observe/metrics has every series of contract section 10 with the right labels and
 * values, and the access log has one JSON line per request with no prompt, completion, token or key in it.
 */
class ObservedRequestsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT_TEXT = "zebra-prompt-text-5521";
    static final String CLIENT_TOKEN = "client-token-secret-31";
    static final String PROVIDER_KEY = "sk-provider-key-77";
    static CaptureServer flaky;
    static GatewayTestServer gateway;
    static AccessLogCapture log;
    static final AtomicInteger flakyCalls = new AtomicInteger();
    /** Usage the emulator reported, summed per model alias: [input, output]. */
    static final Map<String, long[]> reported = new java.util.concurrent.ConcurrentHashMap<>();
    static final List<String> completions = new ArrayList<>();

    @BeforeAll
    @org.junit.jupiter.api.Timeout(180) // a boot plus nine requests; the shared 2-core machine is often loaded
    static void start() throws Exception {
        log = new AccessLogCapture();
        flaky = new CaptureServer().answer((req, resp) -> {
            if (flakyCalls.getAndIncrement() == 0) {
                resp.setStatusCode(503).end("{\"error\":{\"message\":\"overloaded\"}}");
            } else {
                resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                        + "{\"content\":\"flaky answer\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}");
            }
        });
        int emulator = GatewayTestServer.freePort();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: llama
                    litellm_params:
                      model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct
                      api_base: http://127.0.0.1:%1$d/openai/v1
                      api_key: %2$s
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral@2405
                      vertex_ai_project: my-project
                      vertex_ai_location: us-central1
                      api_base: http://127.0.0.1:%1$d/vertex
                      vertex_credentials: emulator/vertex-service-account.json
                  - model_name: flaky
                    litellm_params: {model: hosted_vllm/flaky, api_base: "%3$s/v1"}
                features:
                  code_completions: codestral
                  code_generations: codestral
                  chat: llama
                """.formatted(emulator, PROVIDER_KEY, flaky.baseUrl()), Map.of(
                "gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulator),
                "gateway.auth.tokens", CLIENT_TOKEN));
        drive();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        flaky.close();
        log.close();
    }

    static HttpResponse<String> post(String path, String json, String requestId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLIENT_TOKEN).POST(HttpRequest.BodyPublishers.ofString(json));
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        return GatewayTestServer.send(b.build());
    }

    static void usage(String model, JsonNode usage) {
        long[] sum = reported.computeIfAbsent(model, k -> new long[2]);
        synchronized (sum) {
            sum[0] += usage.path("prompt_tokens").asLong();
            sum[1] += usage.path("completion_tokens").asLong();
        }
    }

    /** Eight requests: every endpoint family, unary and streamed, on two providers, plus one retried after a 503. */
    static void drive() throws Exception {
        String chat = "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT_TEXT + "\"}]";
        HttpResponse<String> r = post("/v1/chat/completions", chat + "}", "client-id-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("client-id-1");
        JsonNode body = JSON.readTree(r.body());
        usage("llama", body.get("usage"));
        completions.add(body.at("/choices/0/message/content").asText());

        r = post("/v1/chat/completions", chat + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
        StringBuilder streamed = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                if (chunk.hasNonNull("usage")) {
                    usage("llama", chunk.get("usage"));
                }
                streamed.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        completions.add(streamed.toString());

        r = post("/v1/completions", "{\"model\":\"codestral\",\"prompt\":\"def " + PROMPT_TEXT + "(\",\"suffix\":\"\"}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        body = JSON.readTree(r.body());
        usage("codestral", body.get("usage"));
        completions.add(body.at("/choices/0/text").asText());

        String code = "{\"current_file\":{\"file_name\":\"a.py\",\"content_above_cursor\":\"def " + PROMPT_TEXT
                + "(\",\"content_below_cursor\":\"\"}";
        r = post("/v2/code/completions", code + "}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        completions.add(JSON.readTree(r.body()).at("/choices/0/text").asText());
        r = post("/v2/code/completions", code + ",\"stream\":true}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        completions.add(r.body());

        String prompt = "{\"inputs\":{\"selected_text\":\"" + PROMPT_TEXT + "\",\"language\":\"python\","
                + "\"file_name\":\"a.py\"}";
        r = post("/v1/prompts/chat/explain_code", prompt + "}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        completions.add(JSON.readTree(r.body()).asText());
        r = post("/v1/prompts/chat/explain_code", prompt + ",\"stream\":true}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        completions.add(r.body());

        r = post("/v1/chat/completions", "{\"model\":\"flaky\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        usage("flaky", JSON.readTree(r.body()).get("usage"));
        // a stream's line is written when its exchange completes, which may be just after the client read the end
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> log.lines().size() >= 8);
    }

    static String metrics() {
        HttpResponse<String> r = gateway.management("GET", "/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }


    static double sum(String text, String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{")) {
                boolean all = true;
                for (String l : labels) {
                    all &= line.contains(l + ",") || line.contains(l + "}");
                }
                if (all) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    @Test
    void requestsAreCountedByApiModelProviderAndStatus() {
        String m = metrics();
        assertThat(sample(m, "gateway_requests_total", "api=\"chat_completions\"", "model=\"llama\"",
                "provider=\"hosted_vllm\"", "status=\"200\"")).isEqualTo(2);
        assertThat(sample(m, "gateway_requests_total", "api=\"completions\"", "model=\"codestral\"",
                "provider=\"vertex_ai\"", "status=\"200\"")).isEqualTo(1);
        assertThat(sample(m, "gateway_requests_total", "api=\"code_completions\"", "model=\"codestral\"",
                "status=\"200\"")).isEqualTo(2);
        assertThat(sample(m, "gateway_requests_total", "api=\"prompts\"", "model=\"llama\"", "status=\"200\""))
                .isEqualTo(2);
        assertThat(sample(m, "gateway_request_duration_seconds_count", "api=\"chat_completions\"",
                "model=\"llama\"", "provider=\"hosted_vllm\"")).isEqualTo(2);
        assertThat(m).contains("gateway_request_duration_seconds_bucket{api=\"prompts\"");
        assertThat(m).contains("gateway_in_flight_requests 0");
    }

    @Test
    void tokenTotalsEqualTheProvidersUsage() {
        String m = metrics();
        for (String model : List.of("llama", "codestral", "flaky")) {
            // what the OpenAI-shaped answers reported, plus what the access log recorded for the other shapes
            long[] inOut = reported.get(model).clone();
            assertThat(sample(m, "gateway_tokens_total", "model=\"" + model + "\"", "direction=\"input\""))
                    .as(model + " input").isEqualTo(expectedTokens(model, "input_tokens"));
            assertThat(sample(m, "gateway_tokens_total", "model=\"" + model + "\"", "direction=\"output\""))
                    .as(model + " output").isEqualTo(expectedTokens(model, "output_tokens"));
            assertThat(inOut[0]).isPositive();
        }
        // the requests whose answers carry usage: the metric holds exactly that (the AI Gateway shapes carry none)
        assertThat(sample(m, "gateway_tokens_total", "model=\"flaky\"", "direction=\"input\"")).isEqualTo(7);
        assertThat(sample(m, "gateway_tokens_total", "model=\"flaky\"", "direction=\"output\"")).isEqualTo(3);
        assertThat(lineSum("llama", "/v1/chat/completions", "input_tokens")).isEqualTo(reported.get("llama")[0]);
        assertThat(lineSum("llama", "/v1/chat/completions", "output_tokens")).isEqualTo(reported.get("llama")[1]);
        assertThat(lineSum("codestral", "/v1/completions", "output_tokens")).isEqualTo(reported.get("codestral")[1]);
    }

    @Test
    void streamsHaveTimeToFirstTokenAndTimePerOutputToken() {
        String m = metrics();
        // one chat stream and one prompt stream on llama, one code-completion stream on codestral
        assertThat(sample(m, "gateway_time_to_first_token_seconds_count", "model=\"llama\"",
                "provider=\"hosted_vllm\"")).isEqualTo(2);
        assertThat(sample(m, "gateway_time_to_first_token_seconds_count", "model=\"codestral\"",
                "provider=\"vertex_ai\"")).isEqualTo(1);
        assertThat(sample(m, "gateway_time_per_output_token_seconds_count", "model=\"llama\"")).isEqualTo(2);
        assertThat(sum(m, "gateway_time_to_first_token_seconds_sum", "model=\"llama\"")).isPositive();
    }

    @Test
    void upstreamAttemptsAndDeploymentStatesAreCounted() {
        String m = metrics();
        assertThat(sample(m, "gateway_upstream_attempts_total", "model=\"flaky\"", "deployment=\"flaky#0\"",
                "outcome=\"ok\"")).isEqualTo(1);
        // the injected 503 was retried on the same deployment by the Retrier: one retry counted (contract 10)
        assertThat(sample(m, "gateway_upstream_attempts_total", "model=\"flaky\"", "deployment=\"flaky#0\"",
                "outcome=\"retry\"")).isEqualTo(1);
        assertThat(flakyCalls).hasValue(2);
        assertThat(sample(m, "gateway_upstream_attempts_total", "model=\"llama\"", "deployment=\"llama#0\"",
                "outcome=\"ok\"")).isEqualTo(4);
        assertThat(sample(m, "gateway_deployment_state", "deployment=\"codestral#0\"", "state=\"ok\""))
                .isEqualTo(1);
        assertThat(sample(m, "gateway_deployment_state", "deployment=\"codestral#0\"", "state=\"failing\""))
                .isEqualTo(0);
    }

    @Test
    void labelsComeFromModelsYamlNotFromClients() {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"client-invented-" + PROMPT_TEXT + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                null);
        assertThat(r.statusCode()).isEqualTo(404);
        String m = metrics();
        assertThat(m).doesNotContain("client-invented").contains("status=\"404\"");
        assertThat(sample(m, "gateway_requests_total", "api=\"chat_completions\"", "model=\"none\"",
                "status=\"404\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theAccessLogHasOneJsonLinePerRequestAndNoTextTokenOrKey() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : log.lines()) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines.size()).isGreaterThanOrEqualTo(8);
        JsonNode first = logLine(l -> l.path("request_id").asText().equals("client-id-1"));
        assertThat(first.path("api").asText()).isEqualTo("chat_completions");
        assertThat(first.path("path").asText()).isEqualTo("/v1/chat/completions");
        assertThat(first.path("model").asText()).isEqualTo("llama");
        assertThat(first.path("provider").asText()).isEqualTo("hosted_vllm");
        assertThat(first.path("deployment").asText()).isEqualTo("llama#0");
        assertThat(first.path("status").asInt()).isEqualTo(200);
        assertThat(first.path("duration_ms").asDouble()).isPositive();
        assertThat(first.get("ttft_ms").isNull()).isTrue();
        assertThat(first.path("attempts").asInt()).isEqualTo(1);
        assertThat(first.has("fallback_from")).isTrue();
        for (String field : List.of("ts", "request_id", "api", "path", "model", "provider", "deployment", "status",
                "duration_ms", "ttft_ms", "input_tokens", "output_tokens", "attempts", "fallback_from")) {
            assertThat(lines).allSatisfy(l -> assertThat(l.has(field)).as(field).isTrue());
        }
        JsonNode stream = logLine(l -> l.path("api").asText().equals("code_completions") && !l.get("ttft_ms").isNull());
        assertThat(stream.path("ttft_ms").asDouble()).isPositive().isLessThanOrEqualTo(
                stream.path("duration_ms").asDouble());

        String all = String.join("\n", log.lines());
        assertThat(all).doesNotContain(PROMPT_TEXT).doesNotContain(CLIENT_TOKEN).doesNotContain(PROVIDER_KEY)
                .doesNotContain("Bearer");
        for (String completion : completions) {
            for (String word : completion.split("\\s+")) {
                if (word.length() > 12) {
                    assertThat(all).as("completion text").doesNotContain(word);
                }
            }
        }
        assertThat(String.join(" ", completions)).as("the emulator answered with text").hasSizeGreaterThan(40);
    }

    @Test
    void withoutOtelExporterOtlpEndpointNoTracerIsInstalled() {
        assertThat(gateway.context().hasService(org.apache.camel.telemetry.Tracer.class)).isNull();
        assertThat(gateway.context().getRegistry().findByType(io.opentelemetry.api.trace.Tracer.class)).isEmpty();
    }

    @Test
    void anIncomingRequestIdIsKeptOnlyWhenItIsPlain() {
        assertThat(RequestObserver.requestId("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
        assertThat(RequestObserver.requestId("bad\"id\n{")).isNotEqualTo("bad\"id\n{").hasSize(36);
        assertThat(RequestObserver.requestId("x".repeat(200))).hasSize(36);
    }

    static JsonNode logLine(java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = log.lines().stream().map(ObservedRequestsTest::parse).filter(which)
                .collect(Collectors.toList());
        assertThat(found).isNotEmpty();
        return found.get(0);
    }

    static long expectedTokens(String model, String field) {
        return log.lines().stream().map(ObservedRequestsTest::parse)
                .filter(l -> l.path("model").asText().equals(model)).mapToLong(l -> l.path(field).asLong()).sum();
    }

    static long lineSum(String model, String path, String field) {
        return log.lines().stream().map(ObservedRequestsTest::parse)
                .filter(l -> l.path("model").asText().equals(model) && l.path("path").asText().equals(path))
                .mapToLong(l -> l.path(field).asLong()).sum();
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
