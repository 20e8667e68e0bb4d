package dev.modelgateway.provider.bedrock;

import static dev.modelgateway.support.ToolConversation.offer;
import static dev.modelgateway.support.ToolConversation.result;
import static dev.modelgateway.support.ToolConversation.streamed;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EventStreamFrames;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.Golden;

/**
 * Tool calling on Bedrock over real HTTP: Claude's tool_use / tool_result blocks on InvokeModel match the Anthropic
 * Bedrock SDK's goldens, Converse's toolConfig / toolUse / toolResult match the AWS SDK's ConverseCommand goldens, and
 * the answers' tool calls (unary and streamed event-stream) come back as OpenAI tool_calls.
 */
class BedrockToolsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        String entry = """
                  - model_name: %s
                    litellm_params:
                      model: %s
                      aws_region_name: us-east-1
                      aws_bedrock_runtime_endpoint: %s
                      aws_access_key_id: AKIDEXAMPLE
                      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """;
        gateway = GatewayTestServer.start("model_list:\n"
                + entry.formatted("claude", "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0", upstream.baseUrl())
                + entry.formatted("llama", "bedrock/meta.llama3-3-70b-instruct-v1:0", upstream.baseUrl()));
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

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void claudeOnInvokeModelGetsToolsAndToolResultsAsTheAnthropicBedrockSdkSendsThem() throws Exception {
        upstream.answerJson(200, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        ok(gateway.post("/v1/chat/completions", offer("claude")));
        Golden.load("bedrock_claude/sdk0-chat-tools.json").assertSameBody(upstream.last().body());
        ok(gateway.post("/v1/chat/completions", result("claude")));
        Golden.load("bedrock_claude/sdk0-chat-tool-result.json").assertSameBody(upstream.last().body());
    }

    @Test
    void converseGetsToolConfigToolUseAndToolResultAsTheAwsSdkSendsThem() throws Exception {
        upstream.answerJson(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
                + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":1,\"outputTokens\":1,\"totalTokens\":2}}");
        ok(gateway.post("/v1/chat/completions", offer("llama")));
        Golden.load("bedrock_converse/chat-tools.json").assertMatches(upstream.last());
        ok(gateway.post("/v1/chat/completions", result("llama")));
        Golden.load("bedrock_converse/chat-tool-result.json").assertMatches(upstream.last());
    }

    @Test
    void conversesToolUseComesBackAsAToolCall() throws Exception {
        upstream.answerJson(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Checking.\"},"
                + "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}}]}},"
                + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13}}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", offer("llama")));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Checking.");
        assertThat(body.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("tooluse_1");
        assertThat(JSON.readTree(body.at("/choices/0/message/tool_calls/0/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
    }

    @Test
    void claudesToolUseOnInvokeModelComesBackAsAToolCall() throws Exception {
        upstream.answerJson(200, "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_4\",\"name\":"
                + "\"get_weather\",\"input\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\",\"usage\":"
                + "{\"input_tokens\":9,\"output_tokens\":4}}");
        JsonNode body = ok(gateway.post("/v1/chat/completions", offer("claude")));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void aConverseStreamsToolUseIsRelayedAsToolCallDeltas() throws Exception {
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
            resp.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
            resp.write(EventStreamFrames.event("contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":"
                    + "{\"toolUseId\":\"tooluse_2\",\"name\":\"get_weather\"}}}"));
            resp.write(EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":"
                    + "{\"input\":\"{\\\"city\\\":\"}}}"));
            resp.write(EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":"
                    + "{\"input\":\"\\\"Paris\\\"}\"}}}"));
            resp.write(EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}"));
            resp.write(EventStreamFrames.event("messageStop", "{\"stopReason\":\"tool_use\"}"));
            resp.end(EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":4,"
                    + "\"totalTokens\":13},\"metrics\":{\"latencyMs\":1}}"));
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                streamed(offer("llama")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        StringBuilder arguments = new StringBuilder();
        String id = null;
        String finish = null;
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode choice = JSON.readTree(line.substring(6)).at("/choices/0");
            JsonNode call = choice.at("/delta/tool_calls/0");
            if (call.has("id")) {
                id = call.get("id").asText();
            }
            arguments.append(call.at("/function/arguments").asText(""));
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertThat(id).isEqualTo("tooluse_2");
        assertThat(JSON.readTree(arguments.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(finish).isEqualTo("tool_calls");
    }
}
