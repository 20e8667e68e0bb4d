package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.ToolCall;
import dev.modelgateway.provider.Usage;

/** The whole OpenAI answers, field for field and in OpenAI's order (they are written straight, not from a Map). */
class OpenAiAnswerShapeTest {

    @Test
    void aChatAnswerIsAChatCompletionWithTheAssistantsMessageAndUsage() throws Exception {
        byte[] body = Shapes.openAiChat("llama", false).body(new ModelResponse("Hi \"there\" ü", "stop",
                new Usage(12, 3)));
        JsonNode json = Json.MAPPER.readTree(body);
        assertThat(json.get("id").asText()).startsWith("chatcmpl-");
        assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).matches(
                "\\{\"id\":\"chatcmpl-[0-9a-f]+\",\"object\":\"chat.completion\",\"created\":\\d+,\"model\":\"llama\","
                        + "\"choices\":\\[\\{\"index\":0,\"message\":\\{\"role\":\"assistant\",\"content\":"
                        + "\"Hi \\\\\"there\\\\\" ü\"\\},\"finish_reason\":\"stop\"\\}\\],"
                        + "\"usage\":\\{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15\\}\\}");
    }

    @Test
    void aToolCallHasNullContentAndTheCallsWithTheirArgumentsAsAString() throws Exception {
        byte[] body = Shapes.openAiChat("llama", false).body(new ModelResponse("", "tool_calls", null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"))));
        JsonNode message = Json.MAPPER.readTree(body).at("/choices/0/message");
        assertThat(message.toString()).isEqualTo("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
                + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]}");
        assertThat(Json.MAPPER.readTree(body).get("usage").toString())
                .isEqualTo("{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}");
    }

    @Test
    void aTextCompletionCarriesTheTextInItsChoice() throws Exception {
        JsonNode json = Json.MAPPER.readTree(Shapes.openAiCompletion("codestral", false).body(
                new ModelResponse("return 1", "length", new Usage(5, 2))));
        assertThat(json.get("object").asText()).isEqualTo("text_completion");
        assertThat(json.get("id").asText()).startsWith("cmpl-");
        assertThat(json.get("choices").toString())
                .isEqualTo("[{\"index\":0,\"text\":\"return 1\",\"finish_reason\":\"length\"}]");
    }
}
