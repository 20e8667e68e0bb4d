package dev.modelgateway.emulator;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the emulator answers a request that offers tools: it calls the first offered tool (or the one the request
 * forces) with arguments made up from the tool's schema, unless the conversation already ends with a tool's answer,
 * which it then answers in text. String values carry the emulator's label, so a made-up call is never mistaken for a
 * model's.
 */
final class EmulatedTools {

    static final String VALUE = "[model-gateway emulator: test double]";

    /** The call the emulator makes: the function's name and its arguments. */
    record Call(String id, String name, ObjectNode arguments) {

        String argumentsText() {
            return arguments.toString();
        }

        /** The arguments as a model streams them: two fragments that join to the JSON text. */
        List<String> fragments() {
            String text = argumentsText();
            int half = text.length() / 2;
            return List.of(text.substring(0, half), text.substring(half));
        }
    }

    private EmulatedTools() {
    }

    static Call call(String name, JsonNode schema, String seed) {
        return new Call("call_emulated_" + Integer.toHexString((name + seed).hashCode()), name, arguments(schema));
    }

    /** Values for the schema's properties: the label for strings, 1 for numbers, true, the first enum value ... */
    static ObjectNode arguments(JsonNode schema) {
        ObjectNode args = OpenAiSurface.JSON.createObjectNode();
        schema.path("properties").fields().forEachRemaining(p -> args.set(p.getKey(), value(p.getValue())));
        return args;
    }

    private static JsonNode value(JsonNode schema) {
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        String type = schema.path("type").isArray() ? schema.path("type").path(0).asText() : schema.path("type")
                .asText("string");
        return switch (type.toLowerCase()) {
            case "integer", "number" -> OpenAiSurface.JSON.getNodeFactory().numberNode(1);
            case "boolean" -> OpenAiSurface.JSON.getNodeFactory().booleanNode(true);
            case "object" -> arguments(schema);
            case "array" -> {
                ArrayNode items = OpenAiSurface.JSON.createArrayNode();
                items.add(value(schema.path("items")));
                yield items;
            }
            default -> OpenAiSurface.JSON.getNodeFactory().textNode(VALUE);
        };
    }

    /** OpenAI tools: the forced function, else the first one; none when tool_choice is none or a tool just answered. */
    static Call openAi(JsonNode body) {
        JsonNode tools = body.path("tools");
        JsonNode messages = body.path("messages");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(body.path("tool_choice").asText())
                || "tool".equals(messages.path(messages.size() - 1).path("role").asText())) {
            return null;
        }
        String forced = body.path("tool_choice").path("function").path("name").asText(null);
        for (JsonNode t : tools) {
            JsonNode f = t.path("function");
            if (forced == null || forced.equals(f.path("name").asText())) {
                return call(f.path("name").asText(), f.path("parameters"), messages.toString());
            }
        }
        return null;
    }

    /** Anthropic tools: the forced tool, else the first, unless tool_choice is none or the last turn is a tool_result. */
    static Call anthropic(JsonNode body) {
        JsonNode tools = body.path("tools");
        JsonNode messages = body.path("messages");
        JsonNode last = messages.path(messages.size() - 1).path("content");
        boolean answered = last.isArray() && last.findValues("type").stream()
                .anyMatch(t -> "tool_result".equals(t.asText()));
        if (!tools.isArray() || tools.isEmpty() || answered || "none".equals(body.path("tool_choice").path("type")
                .asText())) {
            return null;
        }
        String forced = "tool".equals(body.path("tool_choice").path("type").asText())
                ? body.path("tool_choice").path("name").asText() : null;
        for (JsonNode t : tools) {
            if (forced == null || forced.equals(t.path("name").asText())) {
                return call(t.path("name").asText(), t.path("input_schema"), messages.toString());
            }
        }
        return null;
    }

    /** Gemini functionDeclarations, unless the mode is NONE or the last turn is a functionResponse. */
    static Call gemini(JsonNode body) {
        List<JsonNode> declarations = new ArrayList<>();
        body.path("tools").forEach(t -> t.path("functionDeclarations").forEach(declarations::add));
        JsonNode contents = body.path("contents");
        boolean answered = contents.path(contents.size() - 1).path("parts").findValue("functionResponse") != null;
        String mode = body.path("toolConfig").path("functionCallingConfig").path("mode").asText("AUTO");
        if (declarations.isEmpty() || answered || "NONE".equals(mode)) {
            return null;
        }
        String forced = body.path("toolConfig").path("functionCallingConfig").path("allowedFunctionNames").path(0)
                .asText(null);
        for (JsonNode f : declarations) {
            if (forced == null || forced.equals(f.path("name").asText())) {
                return call(f.path("name").asText(), f.path("parameters"), contents.toString());
            }
        }
        return null;
    }

    /** Converse toolConfig, unless the last turn carries a toolResult. */
    static Call converse(JsonNode body) {
        JsonNode tools = body.path("toolConfig").path("tools");
        JsonNode messages = body.path("messages");
        boolean answered = messages.path(messages.size() - 1).path("content").findValue("toolResult") != null;
        if (!tools.isArray() || tools.isEmpty() || answered) {
            return null;
        }
        String forced = body.path("toolConfig").path("toolChoice").path("tool").path("name").asText(null);
        for (JsonNode t : tools) {
            JsonNode spec = t.path("toolSpec");
            if (forced == null || forced.equals(spec.path("name").asText())) {
                return call(spec.path("name").asText(), spec.path("inputSchema").path("json"), messages.toString());
            }
        }
        return null;
    }
}
