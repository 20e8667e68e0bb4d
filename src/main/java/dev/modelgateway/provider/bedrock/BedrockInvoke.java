package dev.modelgateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

import dev.modelgateway.provider.AnthropicMessages;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.stream.StreamListener;

/**
 * InvokeModel for Claude: the shared Anthropic Messages body with Bedrock's {@code anthropic_version}, no
 * {@code model} and no {@code stream} (the verb says it); stream chunks carry the Anthropic events.
 */
final class BedrockInvoke {

    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    private static final String JSON_TYPE = "application/json";

    private BedrockInvoke() {
    }

    static InvokeModelRequest request(ModelRequest r, String modelId) {
        return InvokeModelRequest.builder().modelId(modelId).contentType(JSON_TYPE).accept(JSON_TYPE)
                .body(body(r)).build();
    }

    static InvokeModelWithResponseStreamRequest streamRequest(ModelRequest r, String modelId) {
        return InvokeModelWithResponseStreamRequest.builder().modelId(modelId).contentType(JSON_TYPE)
                .accept(JSON_TYPE).body(body(r)).build();
    }

    private static SdkBytes body(ModelRequest r) {
        return SdkBytes.fromUtf8String(AnthropicMessages.body(r, ANTHROPIC_VERSION).toString());
    }

    static ModelResponse parse(InvokeModelResponse response) {
        return AnthropicMessages.parse(BedrockErrors.PROVIDER, json(response.body()));
    }

    private static JsonNode json(SdkBytes bytes) {
        try {
            return OpenAiFormat.JSON.readTree(bytes.asInputStream());
        } catch (Exception e) {
            throw UpstreamErrors.garbage(BedrockErrors.PROVIDER, "not JSON");
        }
    }

    /** Relays the Anthropic events inside the {@code chunk} events live; padding fields are simply not read. */
    static final class Stream {
        private final StreamListener listener;
        private final AnthropicMessages.StreamState state = new AnthropicMessages.StreamState(BedrockErrors.PROVIDER);

        Stream(StreamListener listener) {
            this.listener = listener;
        }

        InvokeModelWithResponseStreamResponseHandler handler() {
            return InvokeModelWithResponseStreamResponseHandler.builder()
                    .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                            .onChunk(chunk -> state.onEvent(null, json(chunk.bytes()), listener))
                            .build())
                    .build();
        }

        void ended() {
            if (!state.finished()) {
                listener.onError(UpstreamErrors.garbage(BedrockErrors.PROVIDER,
                        "the stream ended before message_stop"));
            }
        }
    }
}
