package dev.modelgateway.provider.bedrock;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;

import dev.modelgateway.provider.Capabilities;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatTurns;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * The Converse API (every family but Claude, and anything under {@code bedrock/converse/}): the model-agnostic
 * {@code system} / {@code messages} / {@code inferenceConfig} request as SDK objects, the answer's text, stop reason and
 * usage, and the converse-stream events.
 */
final class BedrockConverse {

    private BedrockConverse() {
    }

    /** The unary request, handed to the aws-bedrock component as its POJO body. */
    static ConverseRequest request(ModelRequest request, String modelId) {
        ModelRequest r = checked(request);
        ConverseRequest.Builder b = ConverseRequest.builder().modelId(modelId).messages(messages(r));
        List<SystemContentBlock> system = system(r);
        if (!system.isEmpty()) {
            b.system(system);
        }
        InferenceConfiguration inference = inference(r.params());
        if (inference != null) {
            b.inferenceConfig(inference);
        }
        ToolConfiguration tools = ConverseTools.configuration(r.options());
        if (tools != null) {
            b.toolConfig(tools);
        }
        return b.build();
    }

    static ConverseStreamRequest streamRequest(ModelRequest request, String modelId) {
        ModelRequest r = checked(request);
        ConverseStreamRequest.Builder b = ConverseStreamRequest.builder().modelId(modelId).messages(messages(r));
        List<SystemContentBlock> system = system(r);
        if (!system.isEmpty()) {
            b.system(system);
        }
        InferenceConfiguration inference = inference(r.params());
        if (inference != null) {
            b.inferenceConfig(inference);
        }
        ToolConfiguration tools = ConverseTools.configuration(r.options());
        if (tools != null) {
            b.toolConfig(tools);
        }
        return b.build();
    }

    private static ModelRequest checked(ModelRequest r) {
        return Capabilities.check(r, Capabilities.Wire.CONVERSE, BedrockErrors.PROVIDER);
    }

    private static List<Message> messages(ModelRequest r) {
        if (!r.conversation().stream().allMatch(ChatMessage::isPlainText)) {
            return ConverseTools.messages(r.conversation());
        }
        List<Message> out = new ArrayList<>();
        for (ChatMessage m : ChatTurns.alternating(r.conversation())) {
            out.add(Message.builder()
                    .role("assistant".equals(m.role()) ? ConversationRole.ASSISTANT : ConversationRole.USER)
                    .content(ContentBlock.fromText(m.content())).build());
        }
        return out;
    }

    private static List<SystemContentBlock> system(ModelRequest r) {
        String system = r.systemText();
        return system == null ? List.of() : List.of(SystemContentBlock.fromText(system));
    }

    private static InferenceConfiguration inference(GenerationParams p) {
        if (p.maxTokens() == null && p.temperature() == null && p.topP() == null && p.stop() == null) {
            return null;
        }
        InferenceConfiguration.Builder b = InferenceConfiguration.builder();
        if (p.maxTokens() != null) {
            b.maxTokens(p.maxTokens());
        }
        if (p.temperature() != null) {
            b.temperature(p.temperature().floatValue());
        }
        if (p.topP() != null) {
            b.topP(p.topP().floatValue());
        }
        if (p.stop() != null) {
            b.stopSequences(p.stop());
        }
        return b.build();
    }

    /**
     * What the component put on the exchange: text as body, stop reason, usage and the whole output message as
     * headers; tool calls are read from the message (the body holds only text).
     */
    static ModelResponse response(Object text, String stopReason, TokenUsage usage, Message output) {
        return ConverseTools.response(text instanceof String s ? s : "", stopReason, usage(usage), output);
    }

    static Usage usage(TokenUsage usage) {
        return usage == null ? Usage.NONE : new Usage(orZero(usage.inputTokens()), orZero(usage.outputTokens()));
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    /**
     * Relays converse-stream events live: {@code contentBlockDelta} text at once; {@code messageStop} and
     * {@code metadata} (which follows it) give stop reason and usage, reported when the stream has ended.
     */
    static final class Stream {
        private final StreamListener listener;
        private final ConverseTools.StreamCalls calls;
        private volatile String stopReason;
        private volatile Usage usage = Usage.NONE;

        Stream(StreamListener listener) {
            this.listener = listener;
            this.calls = new ConverseTools.StreamCalls(listener);
        }

        ConverseStreamResponseHandler handler() {
            return ConverseStreamResponseHandler.builder()
                    .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                            .onContentBlockStart(calls::start)
                            .onContentBlockDelta(e -> {
                                if (e.delta() != null && e.delta().text() != null) {
                                    listener.onText(e.delta().text());
                                } else if (e.delta() != null && e.delta().toolUse() != null) {
                                    calls.delta(e);
                                }
                            })
                            .onMessageStop(e -> stopReason = e.stopReasonAsString())
                            .onMetadata(e -> usage = usage(e.usage()))
                            .build())
                    .build();
        }

        void ended() {
            String reason = calls.onlyJson() ? "end_turn" : stopReason;
            listener.onComplete(FinishReasons.normalize(reason == null ? "end_turn" : reason), usage);
        }
    }
}
