package dev.modelgateway.provider.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.provider.Capabilities;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatTurns;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * The Converse API (every family but Claude, and anything under {@code bedrock/converse/}): the model-agnostic
 * {@code messages} / {@code system} / {@code inferenceConfig} body (the same for converse and converse-stream, as the
 * AWS SDK marshals it; tested field by field against its goldens), the answer's text, stop reason and usage, and the
 * converse-stream events.
 */
final class BedrockConverse {

    static final String OPERATION = "converse";
    static final String STREAM_OPERATION = "converse-stream";
    static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    private BedrockConverse() {
    }

    static byte[] body(ModelRequest request) {
        ModelRequest r = Capabilities.check(request, Capabilities.Wire.CONVERSE, BedrockErrors.PROVIDER);
        ObjectNode body = OpenAiFormat.JSON.createObjectNode();
        if (r.conversation().stream().allMatch(ChatMessage::isPlainText)) {
            ArrayNode messages = body.putArray("messages");
            for (ChatMessage m : ChatTurns.alternating(r.conversation())) {
                ObjectNode message = messages.addObject().put("role", "assistant".equals(m.role()) ? "assistant"
                        : "user");
                message.putArray("content").addObject().put("text", m.content());
            }
        } else {
            body.set("messages", ConverseTools.messages(r.conversation()));
        }
        String system = r.systemText();
        if (system != null) {
            body.putArray("system").addObject().put("text", system);
        }
        GenerationParams p = r.params();
        if (p.maxTokens() != null || p.temperature() != null || p.topP() != null || p.stop() != null) {
            ObjectNode inference = body.putObject("inferenceConfig");
            if (p.maxTokens() != null) {
                inference.put("maxTokens", p.maxTokens());
            }
            if (p.temperature() != null) {
                inference.put("temperature", p.temperature());
            }
            if (p.topP() != null) {
                inference.put("topP", p.topP());
            }
            if (p.stop() != null) {
                ArrayNode stop = inference.putArray("stopSequences");
                p.stop().forEach(stop::add);
            }
        }
        ObjectNode tools = ConverseTools.configuration(r.options());
        if (tools != null) {
            body.set("toolConfig", tools);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code output.message.content[]} (text joined, tool calls), {@code stopReason}, {@code usage}. */
    static ModelResponse parse(String text) {
        JsonNode body = json(text);
        JsonNode content = body.path("output").path("message").path("content");
        if (!content.isArray()) {
            throw UpstreamErrors.garbage(BedrockErrors.PROVIDER, "no output.message.content in the answer");
        }
        return ConverseTools.response(content, body.path("stopReason").asText(null), usage(body.path("usage")));
    }

    static Usage usage(JsonNode usage) {
        return usage.isObject() ? new Usage(usage.path("inputTokens").asInt(0), usage.path("outputTokens").asInt(0))
                : Usage.NONE;
    }

    private static JsonNode json(String text) {
        try {
            JsonNode node = OpenAiFormat.JSON.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception e) {
            // below
        }
        throw UpstreamErrors.garbage(BedrockErrors.PROVIDER, "not a JSON object");
    }

    /**
     * Relays converse-stream events live: {@code contentBlockDelta} text at once; {@code messageStop} and
     * {@code metadata} (which follows it) give stop reason and usage, reported when the stream has ended.
     */
    static final class Stream implements BedrockEventStream.Events {
        private final StreamListener listener;
        private final ConverseTools.StreamCalls calls;
        private String stopReason;
        private Usage usage = Usage.NONE;

        Stream(StreamListener listener) {
            this.listener = listener;
            this.calls = new ConverseTools.StreamCalls(listener);
        }

        @Override
        public void onEvent(String eventType, byte[] payload) {
            switch (eventType == null ? "" : eventType) {
                case "contentBlockStart" -> calls.start(json(utf8(payload)));
                case "contentBlockDelta" -> {
                    JsonNode event = json(utf8(payload));
                    JsonNode text = event.path("delta").path("text");
                    if (text.isTextual()) {
                        listener.onText(text.asText());
                    } else if (event.path("delta").has("toolUse")) {
                        calls.delta(event);
                    }
                }
                case "messageStop" -> stopReason = json(utf8(payload)).path("stopReason").asText(null);
                case "metadata" -> usage = usage(json(utf8(payload)).path("usage"));
                default -> {
                    // messageStart, contentBlockStop: nothing for the client
                }
            }
        }

        private static String utf8(byte[] payload) {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A body that ends before {@code messageStop} was cut off: not an answer that stopped (as InvokeModel's). */
        void ended() {
            if (stopReason == null) {
                listener.onError(UpstreamErrors.garbage(BedrockErrors.PROVIDER, "the stream ended before messageStop"));
                return;
            }
            listener.onComplete(FinishReasons.normalize(calls.onlyJson() ? "end_turn" : stopReason), usage);
        }
    }
}
