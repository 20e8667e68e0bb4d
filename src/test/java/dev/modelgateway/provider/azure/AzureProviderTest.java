package dev.modelgateway.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.LiveSse;
import dev.modelgateway.support.Golden;

/**
 * Azure OpenAI and Azure AI Foundry over real HTTP: requests against the goldens of the openai SDK's AzureOpenAI and
 * of @mistralai/mistralai-azure, live streaming with Azure's prompt-filter chunk, content-filter stops and refusals
 * in each API family's own format, and 429 handling.
 */
class AzureProviderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYSTEM = "You are a careful coding assistant.";
    static final String USER = "Write a haiku about Camel routes.";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
            + "\"},{\"role\":\"user\",\"content\":\"" + USER + "\"}],\"max_tokens\":128,\"temperature\":0.2%s}";
    static final String GENERATION = "{\"current_file\":{\"file_name\":\"routes.py\",\"content_above_cursor\":"
            + "\"# camel\\n\"},\"prompt_version\":2,\"prompt\":\"" + USER + "\",\"stream\":%s}";
    static final String ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","prompt_filter_results":[{"prompt_index":0,
            "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],"choices":[{"index":0,
            "finish_reason":"stop","message":{"role":"assistant","content":"Routes bend like dunes"},
            "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
            "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}""";
    /** Azure's first stream chunk: no choices, only the prompt's filter results. */
    static final String PROMPT_FILTER_CHUNK = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\","
            + "\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":"
            + "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n";

    static CaptureServer upstream;
    /** A second upstream for the rate-limit test, so its script cannot leak into the others. */
    static CaptureServer limited;
    static GatewayTestServer gateway;

    /** One gateway for all cases: the rate-limit case needs a backoff cap above Retry-After's one second. */
    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        limited = new CaptureServer();
        gateway = GatewayTestServer.start(models(upstream.baseUrl()) + """
                  - model_name: gpt-4o-limited
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %s
                      api_version: "2024-10-21"
                      api_key: azure-test-key
                  - model_name: keyless
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %s
                features:
                  code_generations: gpt-4o
                """.formatted(limited.baseUrl(), upstream.baseUrl()),
                // Retry-After of a second must fit under the backoff cap to be honoured
                Map.of("gateway.upstream.max-retries", "1", "gateway.upstream.max-backoff", "3s"));
    }

    static String models(String base) {
        return """
                model_list:
                  - model_name: gpt-4o
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_version: "2024-10-21"
                      api_key: azure-test-key
                  - model_name: gpt-4o-v1
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_key: azure-test-key
                  - model_name: codestral-foundry
                    litellm_params:
                      model: azure_ai/Codestral-2501
                      api_base: %1$s/v1
                      api_key: azure-ai-test-key
                  - model_name: llama-foundry
                    litellm_params:
                      model: azure_ai/Llama-3.3-70B-Instruct
                      api_base: %1$s
                      api_key: azure-ai-test-key
                      extra_parameters: drop
                """.formatted(base);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        limited.close();
    }

    @BeforeEach
    void reset() {
        upstream.requests().clear();
    }

    @Test
    void deploymentsRequestMatchesTheAzureOpenAiSdkGoldenWithAnApiKey() throws Exception {
        upstream.answerJson(200, ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = upstream.last();
        Golden.load("azure/chat.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept", "api-key");
        assertThat(sent.header("authorization")).as("AzureOpenAI with apiKey sends no Authorization").isNull();
    }

    @Test
    void v1SurfaceIsUsedWithoutApiVersionAndMatchesItsGolden() {
        upstream.answerJson(200, ANSWER);
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-v1", "")).statusCode()).isEqualTo(200);

        CaptureServer.Captured sent = upstream.last();
        Golden.load("azure/v1-chat.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept", "api-key");
        assertThat(sent.header("authorization")).isEqualTo("Bearer azure-test-key");
    }

    @Test
    void foundryRequestsMatchTheMistralAzureSdkGoldens() throws Exception {
        upstream.answerJson(200, ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("codestral-foundry", ""));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Routes bend like dunes");
        CaptureServer.Captured sent = upstream.last();
        Golden.load("azure_ai/chat.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
        assertThat(sent.header("authorization")).isEqualTo("Bearer azure-ai-test-key");
        assertThat(sent.header("api-key")).isNull();
        assertThat(sent.header("extra-parameters")).as("only standard fields are sent: no header unless configured")
                .isNull();

        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream")
                .end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        gateway.post("/v1/chat/completions", CHAT.formatted("codestral-foundry", ",\"stream\":true"));
        sent = upstream.last();
        Golden.load("azure_ai/chat-stream.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
    }

    @Test
    void foundryOnAResourceEndpointUsesModelInferenceApiVersionAndExtraParameters() throws Exception {
        upstream.answerJson(200, ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("llama-foundry", ""));
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.rawPath()).isEqualTo("/models/chat/completions");
        assertThat(sent.query()).isEqualTo("api-version=2024-05-01-preview");
        assertThat(sent.header("extra-parameters")).isEqualTo("drop");
        assertThat(JSON.readTree(sent.body()).get("model").asText()).isEqualTo("Llama-3.3-70B-Instruct");
    }

    @Test
    void textCompletionGoesToTheDeploymentsCompletionsRouteWithItsSuffix() throws Exception {
        upstream.answerJson(200, "{\"choices\":[{\"index\":0,\"text\":\"return n\",\"finish_reason\":\"stop\"}]}");
        HttpResponse<String> response = gateway.post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":"
                + "\"def fibonacci(n):\\n    \",\"suffix\":\"\\n\\nprint(fibonacci(10))\\n\",\"max_tokens\":64}");
        assertThat(response.statusCode()).isEqualTo(200);
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.rawPath()).isEqualTo("/openai/deployments/gpt-4o/completions");
        assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("suffix").asText()).isEqualTo("\n\nprint(fibonacci(10))\n");
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void streamingRequestMatchesTheGolden() {
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream")
                .end(PROMPT_FILTER_CHUNK + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
                        + "data: [DONE]\n\n"));
        gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o",
                ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        CaptureServer.Captured sent = upstream.last();
        Golden.load("azure/chat-stream.json").assertMatches(sent).assertHeaders(sent, "content-type", "api-key");
    }

    @Test
    void streamIsRelayedLiveAfterAzuresPromptFilterChunk() {
        CompletableFuture<Void> clientSawFirstChunk = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write(PROMPT_FILTER_CHUNK);
            resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"first \"},"
                    + "\"content_filter_results\":{}}]}\n\n");
            // the rest is held back until the gateway's client has read the first piece
            clientSawFirstChunk.thenRun(() -> upstream.later(v -> resp.end(
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}]}\n\n"
                            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
                            + "data: [DONE]\n\n")));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted("gpt-4o", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        LiveSse sse = LiveSse.read(response, clientSawFirstChunk);
        assertThat(sse.first()).contains("\"content\":\"first \"");
        List<String> events = sse.rest();
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"content\":\"second\""));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"total_tokens\":5"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
    }

    /** A stream Azure's filter cuts short: some text, then finish_reason content_filter. */
    static void answerWithFilteredStream() {
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(PROMPT_FILTER_CHUNK
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Routes \"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\","
                + "\"content_filter_results\":{\"violence\":{\"filtered\":true,\"severity\":\"high\"}}}]}\n\n"
                + "data: [DONE]\n\n"));
    }

    static final String FILTERED_ANSWER = """
            {"id":"chatcmpl-2","object":"chat.completion","choices":[{"index":0,"finish_reason":"content_filter",
            "message":{"role":"assistant"},"content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}],
            "usage":{"prompt_tokens":20,"completion_tokens":0,"total_tokens":20}}""";

    @Test
    void contentFilterStopReachesOpenAiClientsAsTheirFinishReason() throws Exception {
        answerWithFilteredStream();
        HttpResponse<String> streamed = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o",
                ",\"stream\":true"));
        List<JsonNode> chunks = streamed.body().lines().filter(l -> l.startsWith("data: {"))
                .map(l -> read(l.substring(6))).toList();
        assertThat(chunks).anySatisfy(c -> assertThat(c.at("/choices/0/delta/content").asText()).isEqualTo("Routes "));
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(streamed.body().strip()).endsWith("data: [DONE]");

        upstream.answerJson(200, FILTERED_ANSWER);
        HttpResponse<String> whole = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));
        assertThat(whole.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(whole.body());
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(body.at("/choices/0/message/content").asText()).isEmpty();
    }

    @Test
    void contentFilterStopReachesAiGatewayClientsAsFinishReasonOrEndsTheStream() throws Exception {
        answerWithFilteredStream();
        HttpResponse<String> streamed = gateway.post("/v2/code/generations", GENERATION.formatted("true"));
        assertThat(streamed.statusCode()).isEqualTo(200);
        // raw text has no place for a stop reason: the stream just ends, with no notice in the user's code
        assertThat(streamed.body()).isEqualTo("Routes ");

        upstream.answerJson(200, FILTERED_ANSWER);
        HttpResponse<String> whole = gateway.post("/v2/code/generations", GENERATION.formatted("false"));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(whole.body()).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    }

    @Test
    void contentFilterRefusalIsReportedAsSuchAndNotRetried() throws Exception {
        upstream.answerJson(400, """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content \
                management policy.","type":null,"param":"prompt","code":"content_filter","status":400,
                "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":
                {"violence":{"filtered":true,"severity":"high"}}}}}""");
        HttpResponse<String> openAi = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));
        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(openAi.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("content_filter");
        assertThat(error.get("message").asText()).contains("content filter").contains("content management policy")
                .doesNotContain("azure-test-key");

        HttpResponse<String> aiGateway = gateway.post("/v2/code/generations", GENERATION.formatted("false"));
        assertThat(aiGateway.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(aiGateway.body()).get("detail").asText()).contains("content filter");
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void rateLimitIsRetriedHonouringRetryAfterMsThenSurfaced() {
        AtomicInteger calls = new AtomicInteger();
        limited.answer((req, resp) -> {
            if (calls.incrementAndGet() == 1) {
                resp.setStatusCode(429).putHeader("retry-after-ms", "40").putHeader("Content-Type", "application/json")
                        .end("{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create "
                                + "Operation have exceeded call rate limit.\"}}");
            } else {
                resp.putHeader("Content-Type", "application/json").end(ANSWER);
            }
        });
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-limited", "")).statusCode())
                .isEqualTo(200);
        assertThat(limited.requests()).hasSize(2);

        limited.requests().clear();
        limited.answer((req, resp) -> resp.setStatusCode(429).putHeader("retry-after", "1")
                .putHeader("Content-Type", "application/json").end("{\"error\":{\"code\":\"429\",\"message\":\"rate limit\"}}"));
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-limited", ""));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(limited.requests()).as("one try and one retry").hasSize(2);
    }

    @Test
    void missingCredentialsAreAConfigurationErrorWithoutACall() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("keyless", ""));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("no Azure credentials");
        assertThat(upstream.requests()).isEmpty();
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

}
