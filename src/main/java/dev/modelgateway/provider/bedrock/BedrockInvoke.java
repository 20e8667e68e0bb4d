package dev.modelgateway.provider.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.provider.AnthropicMessages;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.stream.StreamListener;

/**
 * InvokeModel for Claude: the shared Anthropic Messages body with Bedrock's {@code anthropic_version}, no
 * {@code model} and no {@code stream} (the verb says it); stream {@code chunk} events carry the Anthropic events,
 * base64 in {@code bytes}.
 */
final class BedrockInvoke {

    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    static final String OPERATION = "invoke";
    static final String STREAM_OPERATION = "invoke-with-response-stream";
    private static final String JSON_TYPE = "application/json";
    /** As the AWS SDK sends them: InvokeModel's accept is the Accept header, the stream's X-Amzn-Bedrock-Accept. */
    static final Map<String, String> HEADERS = Map.of("Content-Type", JSON_TYPE, "Accept", JSON_TYPE);
    static final Map<String, String> STREAM_HEADERS = Map.of("Content-Type", JSON_TYPE,
            "X-Amzn-Bedrock-Accept", JSON_TYPE);

    private BedrockInvoke() {
    }

    static byte[] body(ModelRequest r) {
        return AnthropicMessages.body(r, ANTHROPIC_VERSION).toString().getBytes(StandardCharsets.UTF_8);
    }

    static ModelResponse parse(String body) {
        return AnthropicMessages.parse(BedrockErrors.PROVIDER, json(body));
    }

    private static JsonNode json(String text) {
        try {
            return OpenAiFormat.JSON.readTree(text);
        } catch (Exception e) {
            throw UpstreamErrors.garbage(BedrockErrors.PROVIDER, "not JSON");
        }
    }

    /** Relays the Anthropic events inside the {@code chunk} events live; padding fields are simply not read. */
    static final class Stream implements BedrockEventStream.Events {
        private final StreamListener listener;
        private final AnthropicMessages.StreamState state = new AnthropicMessages.StreamState(BedrockErrors.PROVIDER);

        Stream(StreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void onEvent(String eventType, byte[] payload) {
            if (!"chunk".equals(eventType)) {
                return;
            }
            String bytes = json(new String(payload, StandardCharsets.UTF_8)).path("bytes").asText("");
            byte[] event;
            try {
                event = Base64.getDecoder().decode(bytes);
            } catch (IllegalArgumentException e) {
                throw UpstreamErrors.garbage(BedrockErrors.PROVIDER, "a chunk that is not base64");
            }
            state.onEvent(null, json(new String(event, StandardCharsets.UTF_8)), listener);
        }

        void ended() {
            if (!state.finished()) {
                listener.onError(UpstreamErrors.garbage(BedrockErrors.PROVIDER,
                        "the stream ended before message_stop"));
            }
        }
    }
}
