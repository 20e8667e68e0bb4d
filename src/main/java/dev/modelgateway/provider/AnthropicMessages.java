package dev.modelgateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.stream.StreamListener;

/**
 * The Anthropic Messages wire format as the clouds host it (Bedrock InvokeModel, Vertex rawPredict): request body,
 * response and stream events. The cloud's own {@code anthropic_version} goes in the body; there is no {@code model}
 * (the URL names it) and no {@code stream} (callers add it where their verb needs it, as Vertex does).
 */
public final class AnthropicMessages {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Anthropic requires max_tokens; used when neither the request nor the prompt sets it. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicMessages() {
    }

    /** The Messages body for a conversation (a fill-in-the-middle request is first turned into one). */
    public static ObjectNode body(ModelRequest request, String anthropicVersion) {
        ModelRequest r = FimAsChat.toChat(request);
        GenerationParams p = r.params();
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", anthropicVersion);
        body.put("max_tokens", p.maxTokens() != null ? p.maxTokens() : DEFAULT_MAX_TOKENS);
        String system = r.systemText();
        if (system != null) {
            body.put("system", system);
        }
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : ChatTurns.alternating(r.conversation())) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        if (p.temperature() != null) {
            body.put("temperature", p.temperature());
        }
        if (p.topP() != null) {
            body.put("top_p", p.topP());
        }
        if (p.stop() != null) {
            ArrayNode stop = body.putArray("stop_sequences");
            p.stop().forEach(stop::add);
        }
        return body;
    }

    /** A whole Messages response: text blocks joined, stop reason normalised, usage. */
    public static ModelResponse parse(String provider, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw UpstreamErrors.garbage(provider, "not a JSON object");
        }
        if ("error".equals(body.path("type").asText())) {
            throw error(provider, body.path("error"));
        }
        JsonNode content = body.get("content");
        if (content == null || !content.isArray()) {
            throw UpstreamErrors.garbage(provider, "no content in the answer");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText(""));
            }
        }
        JsonNode usage = body.path("usage");
        return new ModelResponse(text.toString(), FinishReasons.normalize(body.path("stop_reason").asText(null)),
                new Usage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0)));
    }

    /** An {@code error} object of a response or stream event as the status our client sees. */
    public static GatewayException error(String provider, JsonNode error) {
        String type = error.path("type").asText("api_error");
        String message = provider + " reported " + type + ": " + error.path("message").asText("no message");
        return switch (type) {
            case "rate_limit_error" -> new GatewayException(429, "rate_limit_error", "upstream rate limit: " + message,
                    null, null);
            case "overloaded_error", "api_error" -> new GatewayException(503, "upstream_unavailable",
                    "upstream failed: " + message);
            case "invalid_request_error", "not_found_error", "request_too_large" -> new GatewayException(400,
                    "invalid_request_error", "upstream rejected the request: " + message);
            default -> new GatewayException(502, "upstream_error", message);
        };
    }

    /**
     * Follows one Messages stream: {@code content_block_delta} text goes out at once, usage is gathered from
     * {@code message_start} and the last {@code message_delta}, {@code message_stop} completes, {@code error} fails.
     * Other events ({@code ping}, {@code content_block_start/stop}) carry nothing we relay.
     */
    public static final class StreamState {

        private final String provider;
        private int inputTokens;
        private int outputTokens;
        private String stopReason;
        private boolean finished;

        public StreamState(String provider) {
            this.provider = provider;
        }

        public void onEvent(String type, JsonNode event, StreamListener listener) {
            if (finished) {
                return;
            }
            String kind = type != null ? type : event.path("type").asText("");
            switch (kind) {
                case "message_start" -> {
                    JsonNode usage = event.path("message").path("usage");
                    inputTokens = usage.path("input_tokens").asInt(inputTokens);
                    outputTokens = usage.path("output_tokens").asInt(outputTokens);
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    if (delta.has("text")) {
                        listener.onText(delta.path("text").asText(""));
                    }
                }
                case "message_delta" -> {
                    stopReason = event.path("delta").path("stop_reason").asText(stopReason);
                    JsonNode usage = event.path("usage");
                    inputTokens = usage.path("input_tokens").asInt(inputTokens);
                    outputTokens = usage.path("output_tokens").asInt(outputTokens);
                }
                case "message_stop" -> {
                    finished = true;
                    listener.onComplete(FinishReasons.normalize(stopReason == null ? "end_turn" : stopReason),
                            usage());
                }
                case "error" -> {
                    finished = true;
                    listener.onError(error(provider, event.path("error")));
                }
                default -> {
                    // ping, content_block_start, content_block_stop
                }
            }
        }

        /** Whether message_stop or an error has ended the stream. */
        public boolean finished() {
            return finished;
        }

        public Usage usage() {
            return new Usage(inputTokens, outputTokens);
        }
    }
}
