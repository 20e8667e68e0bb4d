package dev.modelgateway.provider.bedrock;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatOptions;
import dev.modelgateway.provider.ContentPart;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.ToolCall;
import dev.modelgateway.provider.ToolSchemas;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * Tools, tool results and images on Converse, in its JSON wire form (as the AWS SDK marshals it; the goldens
 * {@code bedrock_converse/chat-tools*} check it field by field): {@code toolConfig} with {@code toolSpec}s and a
 * {@code toolChoice}, {@code toolUse} / {@code toolResult} / {@code image} content blocks, tool calls read back from
 * the answer and from the stream's {@code contentBlockStart} / {@code contentBlockDelta.toolUse} events. A response
 * format becomes a forced tool whose input is the answer, as on Claude.
 */
final class ConverseTools {

    private ConverseTools() {
    }

    /** {@code toolConfig}, or null when the request has no tools and no response format. */
    static ObjectNode configuration(ChatOptions o) {
        if (o.tools() == null && o.responseFormat() == null) {
            return null;
        }
        ObjectNode config = OpenAiFormat.JSON.createObjectNode();
        ArrayNode tools = config.putArray("tools");
        if (o.tools() != null) {
            for (ChatOptions.Tool t : o.tools()) {
                tools.add(tool(t.name(), t.description(), t.parameters()));
            }
        }
        ObjectNode choice = null;
        if (o.responseFormat() != null) {
            tools.add(tool(ToolSchemas.JSON_TOOL, "Give your answer as the input of this tool, a JSON value matching its "
                    + "schema.", o.responseFormat().schema()));
            if (o.tools() == null) {
                choice = OpenAiFormat.JSON.createObjectNode();
                choice.putObject("tool").put("name", ToolSchemas.JSON_TOOL);
            }
        }
        ChatOptions.ToolChoice c = o.toolChoice();
        if (choice == null && c != null) {
            choice = OpenAiFormat.JSON.createObjectNode();
            switch (c.mode()) {
                case "required" -> choice.putObject("any");
                case "function" -> choice.putObject("tool").put("name", c.name());
                default -> choice.putObject("auto");
            }
        }
        if (choice != null) {
            config.set("toolChoice", choice);
        }
        return config;
    }

    private static ObjectNode tool(String name, String description, JsonNode parameters) {
        ObjectNode tool = OpenAiFormat.JSON.createObjectNode();
        ObjectNode spec = tool.putObject("toolSpec").put("name", name);
        if (description != null) {
            spec.put("description", description);
        }
        spec.putObject("inputSchema").set("json", ToolSchemas.parameters(parameters));
        return tool;
    }

    /** Turns with content blocks; consecutive turns of one role become one, as Converse wants alternating roles. */
    static ArrayNode messages(List<ChatMessage> conversation) {
        ArrayNode out = OpenAiFormat.JSON.createArrayNode();
        String role = null;
        ArrayNode blocks = null;
        for (ChatMessage m : conversation) {
            String r = "assistant".equals(m.role()) ? "assistant" : "user";
            if (!r.equals(role)) {
                ObjectNode turn = out.addObject().put("role", r);
                blocks = turn.putArray("content");
                role = r;
            }
            if (m.toolCallId() != null) {
                ObjectNode result = blocks.addObject().putObject("toolResult").put("toolUseId", m.toolCallId());
                result.putArray("content").addObject().put("text", m.content());
                continue;
            }
            for (ContentPart part : m.partsOrText()) {
                if (part.image() == null) {
                    blocks.addObject().put("text", part.text());
                } else {
                    blocks.addObject().set("image", image(part.image()));
                }
            }
            if (m.toolCalls() != null) {
                for (ToolCall call : m.toolCalls()) {
                    blocks.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name())
                            .set("input", ToolSchemas.arguments(call.arguments()));
                }
            }
        }
        return out;
    }

    private static ObjectNode image(ContentPart.Image image) {
        if (!image.inline()) {
            throw new GatewayException(400, "invalid_request_error", "Bedrock takes images as data: URLs (base64), not "
                    + "https: URLs; the gateway does not fetch URLs for the model");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(image.data());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(400, "invalid_request_error", "an image data: URL is not valid base64");
        }
        String format = image.mediaType().substring(image.mediaType().indexOf('/') + 1).toLowerCase(Locale.ROOT);
        ObjectNode block = OpenAiFormat.JSON.createObjectNode().put("format", "jpg".equals(format) ? "jpeg" : format);
        block.putObject("source").put("bytes", Base64.getEncoder().encodeToString(bytes));
        return block;
    }

    /** Text blocks joined, toolUse blocks as tool calls (the response-format tool's input as the text). */
    static ModelResponse response(JsonNode content, String stopReason, Usage usage) {
        List<ToolCall> calls = new ArrayList<>();
        String json = null;
        StringBuilder all = new StringBuilder();
        for (JsonNode block : content) {
            if (block.has("text")) {
                all.append(block.path("text").asText(""));
            } else if (block.has("toolUse")) {
                JsonNode use = block.path("toolUse");
                String input = use.path("input").toString();
                if (ToolSchemas.JSON_TOOL.equals(use.path("name").asText())) {
                    json = input;
                } else {
                    calls.add(new ToolCall(use.path("toolUseId").asText(), use.path("name").asText(), input));
                }
            }
        }
        if (json != null && calls.isEmpty()) {
            return new ModelResponse(json, "stop", usage);
        }
        return new ModelResponse(all.toString(), FinishReasons.normalize(stopReason), usage, calls);
    }

    /** Follows tool-use blocks of a converse-stream: the first piece carries id and name, deltas carry input. */
    static final class StreamCalls {
        private final StreamListener listener;
        private final Map<Integer, Integer> blocks = new HashMap<>();
        private int jsonBlock = -1;

        StreamCalls(StreamListener listener) {
            this.listener = listener;
        }

        /** A {@code contentBlockStart} event. */
        void start(JsonNode event) {
            JsonNode use = event.path("start").path("toolUse");
            if (!use.isObject()) {
                return;
            }
            int index = event.path("contentBlockIndex").asInt(0);
            if (ToolSchemas.JSON_TOOL.equals(use.path("name").asText())) {
                jsonBlock = index;
                return;
            }
            int call = blocks.size();
            blocks.put(index, call);
            listener.onToolCall(call, use.path("toolUseId").asText(null), use.path("name").asText(null), "");
        }

        /** A {@code contentBlockDelta} event whose delta is {@code toolUse}. */
        void delta(JsonNode event) {
            int index = event.path("contentBlockIndex").asInt(0);
            String input = event.path("delta").path("toolUse").path("input").asText("");
            if (input.isEmpty()) {
                return;
            }
            if (index == jsonBlock) {
                listener.onText(input);
            } else if (blocks.containsKey(index)) {
                listener.onToolCall(blocks.get(index), null, null, input);
            }
        }

        /** Only the response-format tool was called: the stream was the answer's text, not a tool call. */
        boolean onlyJson() {
            return jsonBlock >= 0 && blocks.isEmpty();
        }
    }
}
