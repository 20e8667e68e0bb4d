package dev.modelgateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.stream.StreamListener;
import dev.modelgateway.support.Golden;

/** The shared Claude Messages mapping: body against the Anthropic SDK golden, response and stream events. */
class AnthropicMessagesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ModelDeployment CLAUDE = new ModelDeployment("claude",
            ModelIdentifier.parse("bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0"), "claude_3", Map.of());

    @Test
    void bodyMatchesTheAnthropicBedrockSdkGolden() {
        ModelRequest request = ModelRequest.chat(CLAUDE, List.of(
                new ChatMessage("system", "You are a careful coding assistant."),
                new ChatMessage("user", "Write a haiku about Camel routes.")),
                new GenerationParams(128, 0.2, null, null), false);
        Golden.load("bedrock_claude/sdk0-chat.json")
                .assertSameBody(AnthropicMessages.body(request, "bedrock-2023-05-31").toString());
    }

    @Test
    void fimBecomesOneUserTurnAskingForTheGap() {
        ModelRequest fim = ModelRequest.fim(CLAUDE, new FimPrompt("def f():\n", "\nprint(f())"),
                new GenerationParams(64, 0.0, null, List.of("\n\n")), false);
        JsonNode body = AnthropicMessages.body(fim, "bedrock-2023-05-31");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.at("/messages/0/content").asText()).contains("<prefix>def f():\n</prefix>")
                .contains("<suffix>\nprint(f())</suffix>");
        assertThat(body.path("system").asText()).contains("only the code");
        assertThat(body.at("/stop_sequences/0").asText()).isEqualTo("\n\n");
    }

    @Test
    void responseTextStopReasonAndUsageAreNormalised() throws Exception {
        ModelResponse r = AnthropicMessages.parse("bedrock", JSON.readTree("""
                {"type":"message","content":[{"type":"text","text":"Routes "},{"type":"text","text":"bend"}],
                 "stop_reason":"max_tokens","usage":{"input_tokens":20,"output_tokens":5}}"""));
        assertThat(r.text()).isEqualTo("Routes bend");
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.usage()).isEqualTo(new Usage(20, 5));
    }

    @Test
    void streamRelaysDeltasAndTakesUsageFromTheLastMessageDelta() throws Exception {
        List<String> seen = new ArrayList<>();
        StreamListener listener = new StreamListener() {
            public void onText(String text) { seen.add("text:" + text); }
            public void onComplete(String finishReason, Usage usage) { seen.add("end:" + finishReason + ":" + usage); }
            public void onError(GatewayException error) { seen.add("error:" + error.status()); }
        };
        AnthropicMessages.StreamState state = new AnthropicMessages.StreamState("bedrock");
        for (String e : new String[] {
                "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}",
                "{\"type\":\"message_stop\"}"}) {
            state.onEvent(null, JSON.readTree(e), listener);
        }
        assertThat(seen).containsExactly("text:Hi", "end:stop:" + new Usage(12, 7));
        assertThat(state.finished()).isTrue();
    }

    @Test
    void anErrorEventEndsTheStreamWithTheMappedStatus() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        StreamListener listener = new StreamListener() {
            public void onText(String text) { }
            public void onComplete(String finishReason, Usage usage) { }
            public void onError(GatewayException error) { statuses.add(error.status()); }
        };
        new AnthropicMessages.StreamState("vertex_ai").onEvent("error", JSON.readTree(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), listener);
        assertThat(statuses).containsExactly(503);
    }
}
