package dev.modelgateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
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
 * The Vertex provider over real HTTP against a local stand-in for Vertex and Google's token endpoint: requests
 * match the goldens captured from @anthropic-ai/vertex-sdk 0.x, @mistralai/mistralai-gcp and @google/genai, streams
 * are relayed live, and Google's errors reach the client as contract 5.3 says.
 */
class VertexProviderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "ya29.test-token";
    static final String SYSTEM = "You are a careful coding assistant.";
    static final String USER = "Write a haiku about Camel routes.";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
            + "\"},{\"role\":\"user\",\"content\":\"" + USER + "\"}],\"max_tokens\":128,\"temperature\":0.2%s}";
    static final String FIM = "{\"model\":\"codestral\",\"prompt\":\"def fibonacci(n):\\n    \","
            + "\"suffix\":\"\\n\\nprint(fibonacci(10))\\n\",\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"]%s}";
    static final String MISTRAL_ANSWER = """
            {"id":"x","object":"chat.completion","model":"codestral","choices":[{"index":0,"message":{"role":"assistant",
            "content":"Routes bend like dunes"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":5,
            "total_tokens":25}}""";
    static final String CLAUDE_ANSWER = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-sonnet-v2-20241022",
            "content":[{"type":"text","text":"Routes bend like dunes"}],"stop_reason":"max_tokens",
            "usage":{"input_tokens":20,"output_tokens":5}}""";

    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static final AtomicInteger tokenExchanges = new AtomicInteger();

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        String key = TestServiceAccount.file(upstream.baseUrl() + "/token").toString();
        String common = """
                      vertex_ai_project: my-project
                      api_base: %s
                      vertex_credentials: %s
                """.formatted(upstream.baseUrl(), key);
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral
                      vertex_ai_location: us-central1
                %s  - model_name: claude
                    litellm_params:
                      model: vertex_ai/claude-3-5-sonnet-v2
                      vertex_location: us-east5
                %s  - model_name: claude-global
                    litellm_params:
                      model: vertex_ai/claude-3-5-sonnet-v2@20241022
                      vertex_ai_location: global
                %s  - model_name: gemini
                    litellm_params:
                      model: vertex_ai/gemini-2.0-flash-001
                      vertex_ai_location: us-central1
                %s  - model_name: llama
                    litellm_params:
                      model: vertex_ai/llama-3.3-70b
                      vertex_ai_location: us-central1
                %s""".formatted(common, common, common, common, common));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.requests().clear();
    }

    /** Answers Google's token endpoint itself and hands every Vertex call to the script. */
    static void vertex(CaptureServer.Script script) {
        upstream.answer((req, resp) -> {
            if (req.rawPath().equals("/token")) {
                tokenExchanges.incrementAndGet();
                resp.putHeader("Content-Type", "application/json")
                        .end("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
            } else {
                script.answer(req, resp);
            }
        });
    }

    static void vertexJson(int status, String json) {
        vertex((req, resp) -> resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(json));
    }

    /** The last call that was not a token exchange. */
    static CaptureServer.Captured lastCall() {
        List<CaptureServer.Captured> calls = vertexCalls();
        assertThat(calls).isNotEmpty();
        return calls.get(calls.size() - 1);
    }

    static List<CaptureServer.Captured> vertexCalls() {
        return upstream.requests().stream().filter(r -> !r.rawPath().equals("/token")).toList();
    }

    static void assertAuthorised(CaptureServer.Captured call) {
        assertThat(call.header("authorization")).isEqualTo("Bearer " + TOKEN);
    }

    // --- Codestral / Mistral ---

    @Test
    void codestralFimMatchesTheMistralGcpGolden() throws Exception {
        vertexJson(200, MISTRAL_ANSWER.replace("Routes bend like dunes", "return n"));
        HttpResponse<String> response = gateway.post("/v1/completions", FIM.formatted(""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return n");
        CaptureServer.Captured sent = lastCall();
        Golden.load("vertex_mistral/fim.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
        assertAuthorised(sent);
    }

    @Test
    void codestralChatMatchesTheMistralGcpGolden() throws Exception {
        vertexJson(200, MISTRAL_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = lastCall();
        Golden.load("vertex_mistral/chat.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
        assertAuthorised(sent);
    }

    @Test
    void codestralStreamingRequestsMatchTheGoldens() {
        vertex((req, resp) -> resp.putHeader("Content-Type", "text/event-stream")
                .end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        gateway.post("/v1/completions", FIM.formatted(",\"stream\":true"));
        CaptureServer.Captured fim = lastCall();
        Golden.load("vertex_mistral/fim-stream.json").assertMatches(fim).assertHeaders(fim, "content-type", "accept");
        gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ",\"stream\":true"));
        CaptureServer.Captured chat = lastCall();
        Golden.load("vertex_mistral/chat-stream.json").assertMatches(chat).assertHeaders(chat, "content-type", "accept");
    }

    @Test
    void codestralStreamIsRelayedLiveBeforeVertexHasFinished() {
        CompletableFuture<Void> clientSawFirstChunk = new CompletableFuture<>();
        vertex((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return \"}}],\"p\":\"abc\"}\n\n");
            clientSawFirstChunk.thenRun(() -> upstream.later(v -> resp.end(
                    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"n\"},\"finish_reason\":\"length\"}],"
                            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2},\"p\":\"abcdef\"}\n\n"
                            + "data: [DONE]\n\n")));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/completions",
                FIM.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        LiveSse sse = LiveSse.read(response, clientSawFirstChunk);
        assertThat(sse.first()).contains("\"text\":\"return \"");
        List<String> rest = sse.rest();
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"text\":\"n\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"finish_reason\":\"length\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"total_tokens\":11"));
        assertThat(rest).noneSatisfy(e -> assertThat(e).contains("\"p\""));
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
    }

    // --- Claude ---

    @Test
    void claudeRequestMatchesTheVertexSdkGoldenWithVertexAnthropicVersionAndNoModel() throws Exception {
        vertexJson(200, CLAUDE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = lastCall();
        Golden.load("vertex_claude/sdk0-chat.json").assertMatches(sent)
                .assertHeaders(sent, "content-type", "accept", "anthropic-version");
        assertThat(JSON.readTree(sent.body()).has("model")).isFalse();
        assertAuthorised(sent);
    }

    @Test
    void claudeOnTheGlobalLocationMatchesTheGlobalGolden() {
        vertexJson(200, CLAUDE_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("claude-global", ""));
        Golden.load("vertex_claude/sdk0-chat-global.json").assertMatches(lastCall());
    }

    @Test
    void claudeStreamingRequestMatchesTheGolden() {
        vertex((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(claudeEvents("hi", "end_turn")));
        gateway.post("/v1/chat/completions", CHAT.formatted("claude", ",\"stream\":true"));
        CaptureServer.Captured sent = lastCall();
        Golden.load("vertex_claude/sdk0-chat-stream.json").assertMatches(sent)
                .assertHeaders(sent, "content-type", "anthropic-version");
    }

    @Test
    void claudeStreamIsRelayedLiveBeforeVertexHasFinished() {
        CompletableFuture<Void> clientSawFirstChunk = new CompletableFuture<>();
        vertex((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("""
                    event: message_start
                    data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"usage":{"input_tokens":20,"output_tokens":1}}}

                    event: content_block_start
                    data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                    event: ping
                    data: {"type":"ping"}

                    event: content_block_delta
                    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Routes "}}

                    """);
            clientSawFirstChunk.thenRun(() -> upstream.later(v -> resp.end("""
                    event: content_block_delta
                    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bend"}}

                    event: content_block_stop
                    data: {"type":"content_block_stop","index":0}

                    event: message_delta
                    data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}

                    event: message_stop
                    data: {"type":"message_stop"}

                    """)));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted("claude", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        LiveSse sse = LiveSse.read(response, clientSawFirstChunk);
        assertThat(sse.first()).contains("\"content\":\"Routes \"");
        List<String> rest = sse.rest();
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"content\":\"bend\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"finish_reason\":\"stop\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"total_tokens\":25"));
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
    }

    @Test
    void claudeErrorEventAfterTheStreamStartedEndsItWithAnErrorEvent() {
        vertex((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end("""
                event: message_start
                data: {"type":"message_start","message":{"usage":{"input_tokens":20,"output_tokens":1}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Routes "}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

                """));
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Routes ").contains("Overloaded").doesNotContain(TOKEN);
    }

    static String claudeEvents(String text, String stop) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3,"
                + "\"output_tokens\":1}}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop
                + "\"},\"usage\":{\"output_tokens\":2}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }

    // --- Gemini and Llama ---

    @Test
    void geminiRequestMatchesTheGenaiGoldenOnV1() throws Exception {
        vertexJson(200, """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Routes bend "},{"text":"like dunes"}]},
                "finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":5,
                "totalTokenCount":25},"modelVersion":"gemini-2.0-flash-001"}""");
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("gemini", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = lastCall();
        Golden.load("vertex_gemini/chat-apiversion-v1.json").assertMatches(sent).assertHeaders(sent, "content-type");
        assertAuthorised(sent);
    }

    @Test
    void geminiStreamsServerSentEventsSeparatedByCrlf() {
        vertex((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(
                "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Routes \"}]}}]}\r\n\r\n"
                        + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"bend\"}]},"
                        + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":20,"
                        + "\"candidatesTokenCount\":5}}\r\n\r\n"));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                CHAT.formatted("gemini", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"Routes \"").contains("\"content\":\"bend\"")
                .contains("\"finish_reason\":\"stop\"").contains("\"total_tokens\":25").contains("data: [DONE]");
        CaptureServer.Captured sent = lastCall();
        Golden golden = Golden.load("vertex_gemini/chat-stream.json");
        // the genai SDK defaults to v1beta1; the gateway uses Vertex's v1 (providers.md), same path otherwise
        assertThat(sent.rawPath()).isEqualTo(golden.path().replaceFirst("^/v1beta1/", "/v1/"));
        assertThat(sent.query()).isEqualTo("alt=sse");
        golden.assertSameBody(sent.body());
    }

    @Test
    void llamaGoesToTheOpenApiEndpointWithMetasModelName() throws Exception {
        vertexJson(200, MISTRAL_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        CaptureServer.Captured sent = lastCall();
        assertThat(sent.rawPath()).isEqualTo("/v1/projects/my-project/locations/us-central1/endpoints/openapi/chat/completions");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("model").asText()).isEqualTo("meta/llama-3.3-70b-instruct-maas");
        assertThat(body.get("messages")).hasSize(2);
        assertAuthorised(sent);
    }

    @Test
    void fimForClaudeBecomesAChatAskingForTheMissingCode() throws Exception {
        vertexJson(200, CLAUDE_ANSWER);
        gateway.post("/v1/completions", FIM.formatted("").replace("\"codestral\"", "\"claude\""));
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.has("prompt")).isFalse();
        assertThat(sent.get("system").asText()).contains("code");
        assertThat(sent.at("/messages/0/content").asText()).contains("def fibonacci(n):").contains("print(fibonacci(10))");
    }

    // --- errors ---

    @Test
    void quotaExhaustionIsRetriedThenSurfacedWithRetryAfter() throws Exception {
        vertexJson(429, """
                [{"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model","status":"RESOURCE_EXHAUSTED"}}]""");
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ""));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue(VertexErrors.RETRY_AFTER_SECONDS);
        assertThat(vertexCalls()).hasSize(3);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("RESOURCE_EXHAUSTED")
                .contains("Quota exceeded");
    }

    @Test
    void quotaExhaustionThatPassesIsAnsweredAfterTheRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        vertex((req, resp) -> {
            boolean first = calls.getAndIncrement() == 0;
            resp.setStatusCode(first ? 429 : 200).putHeader("Content-Type", "application/json")
                    .end(first ? "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}"
                            : MISTRAL_ANSWER);
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ""));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(vertexCalls()).hasSize(2);
    }

    @Test
    void modelNotEnabledIsAClearClientErrorNamingModelAndLocation() throws Exception {
        vertexJson(400, """
                {"error":{"code":400,"message":"Publisher model projects/my-project/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet-v2@20241022 is not servable in region us-east5.","status":"FAILED_PRECONDITION"}}""");
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));

        assertThat(response.statusCode()).isEqualTo(400);
        String message = JSON.readTree(response.body()).at("/error/message").asText();
        assertThat(message).contains("claude-3-5-sonnet-v2@20241022").contains("us-east5").contains("my-project")
                .contains("not available");
        assertThat(vertexCalls()).hasSize(1);
    }

    @Test
    void modelNotFoundInTheProjectIsA404NamingModelAndLocation() throws Exception {
        vertexJson(404, """
                [{"error":{"code":404,"message":"Publisher Model `projects/my-project/locations/us-central1/publishers/mistralai/models/codestral@2405` not found.","status":"NOT_FOUND"}}]""");
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "fib.py", "content_above_cursor": "def f():", "content_below_cursor": ""},
                 "model_name": "codestral", "model_identifier": "codestral"}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("detail").asText()).contains("codestral@2405")
                .contains("us-central1");
    }

    @Test
    void tokenIsExchangedOnceAndReusedAcrossCalls() {
        vertexJson(200, MISTRAL_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ""));
        int after = tokenExchanges.get();
        gateway.post("/v1/chat/completions", CHAT.formatted("codestral", ""));
        gateway.post("/v1/chat/completions", CHAT.formatted("gemini", ""));
        assertThat(after).isEqualTo(1);
        assertThat(tokenExchanges.get()).isEqualTo(1);
    }
}
