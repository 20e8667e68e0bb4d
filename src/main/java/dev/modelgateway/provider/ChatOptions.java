package dev.modelgateway.provider;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an OpenAI chat request asks beyond sampling: tools and how to choose among them, a response format, and the
 * other OpenAI fields a provider may or may not honour ({@code extra}, by their OpenAI names). Each provider's mapping
 * says which it honours ({@link Capabilities}); the rest is refused by name, or dropped when drop_params is set.
 */
public record ChatOptions(List<Tool> tools, ToolChoice toolChoice, Boolean parallelToolCalls,
        ResponseFormat responseFormat, Map<String, JsonNode> extra) {

    public static final ChatOptions NONE = new ChatOptions(null, null, null, null, null);

    public ChatOptions {
        tools = tools == null || tools.isEmpty() ? null : List.copyOf(tools);
        extra = extra == null || extra.isEmpty() ? null : Map.copyOf(extra);
    }

    /** A function the model may call; {@code parameters} is its JSON Schema (an object schema). */
    public record Tool(String name, String description, JsonNode parameters) {
    }

    /** {@code auto}, {@code none}, {@code required}, or {@code function} with the function's name. */
    public record ToolChoice(String mode, String name) {

        public static final ToolChoice AUTO = new ToolChoice("auto", null);
    }

    /**
     * {@code json_object}, or {@code json_schema} with its name and schema ({@code text} is no format at all);
     * {@code jsonSchema} is the client's {@code json_schema} object as sent (with {@code strict}), for OpenAI wires.
     */
    public record ResponseFormat(String type, String name, JsonNode schema, JsonNode jsonSchema) {
    }

    public boolean isEmpty() {
        return tools == null && toolChoice == null && parallelToolCalls == null && responseFormat == null
                && extra == null;
    }

    public ChatOptions withoutTools() {
        return new ChatOptions(null, null, null, responseFormat, extra);
    }
}
