package dev.modelgateway.api;

import static dev.modelgateway.support.ToolConversation.QUESTION;
import static dev.modelgateway.support.ToolConversation.TOOLS;
import static dev.modelgateway.support.ToolConversation.offer;
import static dev.modelgateway.support.ToolConversation.result;
import static dev.modelgateway.support.ToolConversation.streamed;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.provider.vertex.TestServiceAccount;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.Golden;
import dev.modelgateway.support.LiveSse;

/**
 * Tool calling, response formats and images through the OpenAI chat endpoint, over real HTTP against local stand-ins
 * of an OpenAI-compatible server and Vertex AI (Claude, Gemini): each upstream request matches the golden captured
 * from the vendor's own SDK for the same conversation (golden/capture/capture.mjs, section 9), vendor tool calls come
 * back as OpenAI tool_calls, unary and live-streamed, and a field a provider cannot honour is refused by name.
 */
class ToolCallingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":{\"type\":"
            + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"celsius\":{\"type\":\"number\"}},\"required\":"
            + "[\"city\",\"celsius\"]},\"strict\":true}}";
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    static final String IMAGE = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this image?\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\"}}]}";

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        String key = TestServiceAccount.file(upstream.baseUrl() + "/token").toString();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: custom_openai/mistralai/Codestral-22B-v0.1
                      api_base: %1$s/v1
                      api_key: sk-test
                  - model_name: claude
                    litellm_params:
                      model: vertex_ai/claude-3-5-sonnet-v2@20241022
                      vertex_ai_location: us-east5
                      vertex_ai_project: my-project
                      api_base: %1$s
                      vertex_credentials: %2$s
                  - model_name: claude-lenient
                    litellm_params:
                      model: vertex_ai/claude-3-5-sonnet-v2@20241022
                      vertex_ai_location: us-east5
                      vertex_ai_project: my-project
                      api_base: %1$s
                      vertex_credentials: %2$s
                      drop_params: true
                  - model_name: gemini
                    litellm_params:
                      model: vertex_ai/gemini-2.0-flash-001
                      vertex_ai_location: us-central1
                      vertex_ai_project: my-project
                      api_base: %1$s
                      vertex_credentials: %2$s
                """.formatted(upstream.baseUrl(), key));
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

    /** Google's token endpoint is answered here; every other call goes to the script. */
    static void answer(CaptureServer.Script script) {
        upstream.answer((req, resp) -> {
            if (req.rawPath().equals("/token")) {
                resp.putHeader("Content-Type", "application/json")
                        .end("{\"access_token\":\"ya29.test-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
            } else {
                script.answer(req, resp);
            }
        });
    }

    static void answerJson(String json) {
        answer((req, resp) -> resp.putHeader("Content-Type", "application/json").end(json));
    }

    static CaptureServer.Captured lastCall() {
        List<CaptureServer.Captured> calls = upstream.requests().stream().filter(r -> !r.rawPath().equals("/token"))
                .toList();
        assertThat(calls).isNotEmpty();
        return calls.get(calls.size() - 1);
    }

    static String schema(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + QUESTION + "],\"max_tokens\":128,\"response_format\":"
                + SCHEMA + "}";
    }

    static String image(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + IMAGE + "],\"max_tokens\":128}";
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    // --- requests match the SDK goldens ---

    @Test
    void openAiCompatibleServersGetToolsToolResultsSchemasAndImagesAsTheOpenAiSdkSendsThem() throws Exception {
        answerJson("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}]}");
        ok(gateway.post("/v1/chat/completions", offer("codestral")));
        Golden.load("openai/chat-tools.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", result("codestral")));
        Golden.load("openai/chat-tool-result.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", schema("codestral")));
        Golden.load("openai/chat-json-schema.json").assertMatches(lastCall());
    }

    @Test
    void claudeOnVertexGetsToolUseAndToolResultBlocksAsTheAnthropicSdkSendsThem() throws Exception {
        answerJson("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        ok(gateway.post("/v1/chat/completions", offer("claude")));
        Golden.load("vertex_claude/sdk0-chat-tools.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", result("claude")));
        Golden.load("vertex_claude/sdk0-chat-tool-result.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", image("claude")));
        Golden.load("vertex_claude/sdk0-chat-image.json").assertMatches(lastCall());
    }

    @Test
    void geminiGetsFunctionDeclarationsFunctionResponsesAResponseSchemaAndInlineImagesAsTheGenaiSdkSendsThem()
            throws Exception {
        answerJson("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"{}\"}]},"
                + "\"finishReason\":\"STOP\"}]}");
        ok(gateway.post("/v1/chat/completions", offer("gemini")));
        Golden.load("vertex_gemini/chat-tools.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", result("gemini")));
        Golden.load("vertex_gemini/chat-tool-result.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", schema("gemini")));
        Golden.load("vertex_gemini/chat-json-schema.json").assertMatches(lastCall());
        ok(gateway.post("/v1/chat/completions", image("gemini")));
        Golden.load("vertex_gemini/chat-image.json").assertMatches(lastCall());
    }

    // --- answers come back as OpenAI tool calls ---

    @Test
    void anOpenAiCompatibleToolCallComesBackAsIs() throws Exception {
        answerJson("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", offer("codestral")));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(body.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("call_9");
        assertThat(body.at("/choices/0/message/tool_calls/0/type").asText()).isEqualTo("function");
        assertThat(body.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(body.at("/choices/0/message/tool_calls/0/function/arguments").asText())
                .path("city").asText()).isEqualTo("Paris");
    }

    @Test
    void claudesToolUseBecomesToolCallsWithItsTextKeptAsContent() throws Exception {
        answerJson("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Let me look.\"},{\"type\":"
                + "\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],"
                + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", offer("claude")));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Let me look.");
        assertThat(body.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("toolu_1");
        assertThat(JSON.readTree(body.at("/choices/0/message/tool_calls/0/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
    }

    @Test
    void aResponseFormatOnClaudeIsAForcedToolWhoseInputIsTheAnswer() throws Exception {
        answerJson("{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":"
                + "\"json_tool_call\",\"input\":{\"city\":\"Paris\",\"celsius\":18}}],\"stop_reason\":\"tool_use\","
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", schema("claude")));
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.at("/tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"tool\",\"name\":\"json_tool_call\"}"));
        assertThat(sent.at("/tools/0/input_schema/required").toString()).isEqualTo("[\"city\",\"celsius\"]");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/choices/0/message/tool_calls").isMissingNode()).isTrue();
        assertThat(JSON.readTree(body.at("/choices/0/message/content").asText()))
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"celsius\":18}"));
    }

    @Test
    void geminisFunctionCallBecomesAToolCall() throws Exception {
        answerJson("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":"
                + "\"get_weather\",\"args\":{\"city\":\"Paris\"}}}]},\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":3}}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", offer("gemini")));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/choices/0/message/tool_calls/0/id").asText()).startsWith("call_");
        assertThat(body.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void claudesStreamedToolCallReachesTheClientAsDeltasBeforeVertexHasFinished() throws Exception {
        CompletableFuture<Void> clientSawFirstDelta = new CompletableFuture<>();
        answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                    + "{\"input_tokens\":12,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_7\",\"name\":\"get_weather\",\"input\":{}}}\n\n");
            clientSawFirstDelta.thenRun(() -> upstream.later(v -> resp.end(
                    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                            + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}\n\n"
                            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                            + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n"
                            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                            + "\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n"
                            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                streamed(offer("claude")));
        assertThat(response.statusCode()).isEqualTo(200);
        LiveSse sse = LiveSse.read(response, clientSawFirstDelta);
        JsonNode first = JSON.readTree(sse.first().substring(6)).at("/choices/0/delta/tool_calls/0");
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asText()).isEqualTo("toolu_7");
        assertThat(first.path("type").asText()).isEqualTo("function");
        assertThat(first.at("/function/name").asText()).isEqualTo("get_weather");
        StringBuilder arguments = new StringBuilder();
        String finish = null;
        for (String event : sse.rest()) {
            if (event.equals("data: [DONE]")) {
                continue;
            }
            JsonNode choice = JSON.readTree(event.substring(6)).at("/choices/0");
            arguments.append(choice.at("/delta/tool_calls/0/function/arguments").asText(""));
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertThat(JSON.readTree(arguments.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void openAiStreamedToolCallDeltasAreRelayed() {
        answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_3\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                streamed(offer("codestral")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"id\":\"call_3\"").contains("\"name\":\"get_weather\"")
                .contains("\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"").contains("\"finish_reason\":\"tool_calls\"");
    }

    // --- nothing dropped silently ---

    @Test
    void aFieldTheProviderCannotHonourIsRefusedByNameUnlessDropParamsIsSet() throws Exception {
        answerJson("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        String withSeed = "{\"model\":\"%s\",\"messages\":[" + QUESTION + "],\"seed\":7,\"logprobs\":true}";
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", withSeed.formatted("claude"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("seed").contains("logprobs")
                .contains("vertex_ai").contains("drop_params");
        assertThat(upstream.requests().stream().filter(r -> !r.rawPath().equals("/token"))).isEmpty();

        ok(gateway.post("/v1/chat/completions", withSeed.formatted("claude-lenient")));
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.has("seed")).isFalse();
        assertThat(sent.has("logprobs")).isFalse();
    }

    @Test
    void anOpenAiCompatibleServerGetsTheOpenAiFieldsItUnderstandsPassedThrough() throws Exception {
        answerJson("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}]}");
        ok(gateway.post("/v1/chat/completions", "{\"model\":\"codestral\",\"messages\":[" + QUESTION
                + "],\"seed\":7,\"presence_penalty\":0.5,\"parallel_tool_calls\":false,\"tools\":" + TOOLS + "}"));
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.path("seed").asInt()).isEqualTo(7);
        assertThat(sent.path("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("parallel_tool_calls").asBoolean(true)).isFalse();
    }

    @Test
    void anImageForAModelThatCannotSeeIsRefusedNamingTheModel() throws Exception {
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", image("codestral"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("image_url")
                .contains("codestral");
    }

    @Test
    void malformedToolsAndToolMessagesAreNamedIn422() throws Exception {
        HttpResponse<String> noId = gateway.post("/v1/chat/completions", "{\"model\":\"codestral\",\"messages\":["
                + "{\"role\":\"tool\",\"content\":\"x\"}]}");
        assertThat(noId.statusCode()).isEqualTo(422);
        assertThat(noId.body()).contains("messages[0].tool_call_id");
        HttpResponse<String> badChoice = gateway.post("/v1/chat/completions", "{\"model\":\"codestral\",\"messages\":["
                + QUESTION + "],\"tools\":" + TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                + "{\"name\":\"nope\"}}}");
        assertThat(badChoice.statusCode()).isEqualTo(422);
        assertThat(badChoice.body()).contains("tool_choice.function.name");
    }

    @Test
    void textCompletionFieldsArePassedToOpenAiServersAndRefusedByNameElsewhere() throws Exception {
        answerJson("{\"choices\":[{\"index\":0,\"text\":\"x\",\"finish_reason\":\"stop\"}]}");
        String fim = "{\"model\":\"%s\",\"prompt\":\"def f():\",\"suffix\":\"\\n\",\"seed\":3,\"n\":1}";
        ok(gateway.post("/v1/completions", fim.formatted("codestral")));
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.path("seed").asInt()).isEqualTo(3);
        assertThat(sent.has("n")).isFalse();

        upstream.requests().clear();
        HttpResponse<String> refused = gateway.post("/v1/completions", fim.formatted("claude"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("'seed'");
        assertThat(upstream.requests().stream().filter(r -> !r.rawPath().equals("/token"))).isEmpty();
    }

    // --- /v1/prompts ---

    @Test
    void aRegistryPromptOffersTheRequestsToolsAndAnswersAToolCallInOpenAisShape() throws Exception {
        answerJson("{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_5\",\"name\":"
                + "\"get_weather\",\"input\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\",\"usage\":"
                + "{\"input_tokens\":9,\"output_tokens\":4}}");
        String request = "{\"inputs\":{\"selected_text\":\"x = 1\",\"language\":\"python\",\"file_name\":"
                + "\"a.py\"},\"model_metadata\":{\"identifier\":\"claude\"},\"tools\":" + TOOLS
                + ",\"tool_choice\":\"required\"}";
        JsonNode body = ok(gateway.post("/v1/prompts/chat/explain_code", request));
        assertThat(body.path("role").asText()).isEqualTo("assistant");
        assertThat(body.at("/tool_calls/0/id").asText()).isEqualTo("toolu_5");
        assertThat(body.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        JsonNode sent = JSON.readTree(lastCall().body());
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tool_choice/type").asText()).isEqualTo("any");

        HttpResponse<String> streamed = gateway.post("/v1/prompts/chat/explain_code",
                request.replace("\"tools\":", "\"stream\":true,\"tools\":"));
        assertThat(streamed.statusCode()).isEqualTo(422);
        assertThat(streamed.body()).contains("stream: false");
    }
}
