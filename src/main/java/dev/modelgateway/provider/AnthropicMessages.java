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
        ModelRequest r = Capabilities.check(FimAsChat.toChat(request), Capabilities.Wire.ANTHROPIC,
                request.model().provider());
        GenerationParams p = r.params();
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", anthropicVersion);
        body.put("max_tokens", p.maxTokens() != null ? p.maxTokens() : DEFAULT_MAX_TOKENS);
        String system = r.systemText();
        if (system != null) {
            body.put("system", system);
        }
        ArrayNode messages = body.putArray("messages");
        if (r.conversation().stream().allMatch(ChatMessage::isPlainText)) {
            for (ChatMessage m : ChatTurns.alternating(r.conversation())) {
                messages.addObject().put("role", m.role()).put("content", m.content());
            }
        } else {
            blocks(messages, r.conversation());
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
        tools(body, r.options());
        return body;
    }

    /**
     * Turns with content blocks: images, {@code tool_use} for an assistant's calls, {@code tool_result} (in a user turn)
     * for a tool's answer; consecutive turns of one role become one, as Claude wants strictly alternating roles.
     */
    private static void blocks(ArrayNode messages, java.util.List<ChatMessage> conversation) {
        ObjectNode turn = null;
        for (ChatMessage m : conversation) {
            String role = "assistant".equals(m.role()) ? "assistant" : "user";
            if (turn == null || !role.equals(turn.path("role").asText())) {
                turn = messages.addObject().put("role", role);
                turn.putArray("content");
            }
            ArrayNode content = (ArrayNode) turn.get("content");
            if (m.toolCallId() != null) {
                content.addObject().put("type", "tool_result").put("tool_use_id", m.toolCallId())
                        .put("content", m.content());
                continue;
            }
            for (ContentPart part : m.partsOrText()) {
                if (part.image() == null) {
                    content.addObject().put("type", "text").put("text", part.text());
                } else if (part.image().inline()) {
                    content.addObject().put("type", "image").putObject("source").put("type", "base64")
                            .put("media_type", part.image().mediaType()).put("data", part.image().data());
                } else {
                    throw new GatewayException(400, "invalid_request_error", "Claude on this cloud takes images as "
                            + "data: URLs (base64), not https: URLs; the gateway does not fetch URLs for the model");
                }
            }
            if (m.toolCalls() != null) {
                for (ToolCall call : m.toolCalls()) {
                    content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                            .set("input", ToolSchemas.arguments(call.arguments()));
                }
            }
        }
        // a turn of text alone is written as a string, as with plain conversations
        for (JsonNode t : messages) {
            JsonNode content = t.get("content");
            if (content.isArray() && content.findValues("type").stream().allMatch(v -> "text".equals(v.asText()))) {
                StringBuilder text = new StringBuilder();
                content.forEach(b -> text.append(text.length() > 0 ? "\n\n" : "").append(b.path("text").asText()));
                ((ObjectNode) t).put("content", text.toString());
            }
        }
    }

    /**
     * {@code tools[].input_schema} and {@code tool_choice}; a response format becomes one more tool that the model must
     * call, whose input is the JSON answer (LiteLLM does the same), read back as text by {@link #parse}.
     */
    private static void tools(ObjectNode body, ChatOptions o) {
        ChatOptions.ResponseFormat format = o.responseFormat();
        if (o.tools() == null && format == null) {
            return;
        }
        ArrayNode tools = body.putArray("tools");
        if (o.tools() != null) {
            for (ChatOptions.Tool t : o.tools()) {
                ObjectNode tool = tools.addObject().put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
                tool.set("input_schema", ToolSchemas.parameters(t.parameters()));
            }
        }
        ObjectNode choice = JSON.createObjectNode();
        if (format != null) {
            tools.addObject().put("name", ToolSchemas.JSON_TOOL)
                    .put("description", "Give your answer as the input of this tool, a JSON value matching its schema.")
                    .set("input_schema", ToolSchemas.parameters(format.schema()));
            if (o.tools() == null) {
                choice.put("type", "tool").put("name", ToolSchemas.JSON_TOOL);
            }
        }
        ChatOptions.ToolChoice c = o.toolChoice();
        if (choice.isEmpty() && c != null) {
            switch (c.mode()) {
                case "required" -> choice.put("type", "any");
                case "function" -> choice.put("type", "tool").put("name", c.name());
                default -> choice.put("type", c.mode());
            }
        }
        if (Boolean.FALSE.equals(o.parallelToolCalls())) {
            if (choice.isEmpty()) {
                choice.put("type", "auto");
            }
            choice.put("disable_parallel_tool_use", true);
        }
        if (!choice.isEmpty()) {
            body.set("tool_choice", choice);
        }
    }

    /**
     * A whole Messages response: text blocks joined, tool_use blocks as tool calls (the response-format tool's input as
     * the text), stop reason normalised, usage.
     */
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
        java.util.List<ToolCall> calls = new java.util.ArrayList<>();
        String json = null;
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText(""));
                case "tool_use" -> {
                    if (ToolSchemas.JSON_TOOL.equals(block.path("name").asText())) {
                        json = block.path("input").toString();
                    } else {
                        calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                                block.path("input").toString()));
                    }
                }
                default -> {
                    // thinking and other blocks are not part of the answer's text
                }
            }
        }
        JsonNode usage = body.path("usage");
        Usage u = new Usage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0));
        if (json != null && calls.isEmpty()) {
            // the response-format tool's input is the whole answer
            return new ModelResponse(json, "stop", u);
        }
        return new ModelResponse(text.toString(), FinishReasons.normalize(body.path("stop_reason").asText(null)), u,
                calls);
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
        /** Content-block index -> tool-call index (OpenAI counts tool calls, Anthropic counts blocks). */
        private final java.util.Map<Integer, Integer> toolBlocks = new java.util.HashMap<>();
        /** The content block that carries the response-format tool's input, relayed as text; -1 when none. */
        private int jsonBlock = -1;

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
                case "content_block_start" -> {
                    JsonNode block = event.path("content_block");
                    if ("tool_use".equals(block.path("type").asText())) {
                        int index = event.path("index").asInt();
                        if (ToolSchemas.JSON_TOOL.equals(block.path("name").asText())) {
                            jsonBlock = index;
                        } else {
                            int call = toolBlocks.size();
                            toolBlocks.put(index, call);
                            listener.onToolCall(call, block.path("id").asText(), block.path("name").asText(), "");
                        }
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    if (delta.has("text")) {
                        listener.onText(delta.path("text").asText(""));
                    } else if (delta.has("partial_json")) {
                        int index = event.path("index").asInt();
                        String fragment = delta.path("partial_json").asText("");
                        if (index == jsonBlock) {
                            listener.onText(fragment);
                        } else if (toolBlocks.containsKey(index) && !fragment.isEmpty()) {
                            listener.onToolCall(toolBlocks.get(index), null, null, fragment);
                        }
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
                    String reason = jsonBlock >= 0 && toolBlocks.isEmpty() ? "end_turn" : stopReason;
                    listener.onComplete(FinishReasons.normalize(reason == null ? "end_turn" : reason), usage());
                }
                case "error" -> {
                    finished = true;
                    listener.onError(error(provider, event.path("error")));
                }
                default -> {
                    // ping, content_block_stop
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
