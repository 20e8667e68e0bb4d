package dev.modelgateway.provider;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.api.GatewayException;

/** JSON Schema and tool-argument helpers the vendor mappings share. */
public final class ToolSchemas {

    /**
     * The tool a response format becomes on APIs without one (Anthropic, Converse): the model must call it, and its
     * input is the answer. The same name LiteLLM uses, so logs read alike.
     */
    public static final String JSON_TOOL = "json_tool_call";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JSON Schema keys Gemini's Schema (an OpenAPI 3.0 subset) understands. */
    private static final Set<String> GEMINI_KEYS = Set.of("type", "format", "title", "description", "nullable",
            "enum", "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength",
            "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");

    private ToolSchemas() {
    }

    /** A tool's parameters, or the empty object schema when it takes none. */
    public static JsonNode parameters(JsonNode schema) {
        if (schema != null && schema.isObject()) {
            return schema;
        }
        ObjectNode empty = JSON.createObjectNode().put("type", "object");
        empty.putObject("properties");
        return empty;
    }

    /** A call's arguments (a JSON string in OpenAI's shape) as the object vendors want; 400 when it is not one. */
    public static JsonNode arguments(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(arguments);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception e) {
            // falls through to the refusal
        }
        throw new GatewayException(400, "invalid_request_error", "a tool call's arguments must be a JSON object, "
                + "written as a string: " + abbreviate(arguments));
    }

    /**
     * The schema as Gemini's Schema type takes it, written the way @google/genai writes it: only the keys Gemini
     * accepts (others, such as additionalProperties or $schema, removed), types in capitals, a {@code ["x", "null"]}
     * type as {@code X} with {@code nullable}.
     */
    public static JsonNode forGemini(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return schema;
        }
        ObjectNode out = JSON.createObjectNode();
        schema.fields().forEachRemaining(e -> {
            String key = e.getKey();
            if (!GEMINI_KEYS.contains(key)) {
                return;
            }
            JsonNode value = e.getValue();
            if ("properties".equals(key) && value.isObject()) {
                ObjectNode props = out.putObject("properties");
                value.fields().forEachRemaining(p -> props.set(p.getKey(), forGemini(p.getValue())));
            } else if (("items".equals(key)) && value.isObject()) {
                out.set(key, forGemini(value));
            } else if ("type".equals(key)) {
                String type = value.isArray() ? nonNull(value) : value.asText();
                out.put("type", type.toUpperCase(java.util.Locale.ROOT));
                if (value.isArray() && value.toString().contains("\"null\"")) {
                    out.put("nullable", true);
                }
            } else if ("anyOf".equals(key) && value.isArray()) {
                ArrayNode any = out.putArray(key);
                value.forEach(v -> any.add(forGemini(v)));
            } else {
                out.set(key, value);
            }
        });
        return out;
    }

    private static String nonNull(JsonNode types) {
        for (JsonNode t : types) {
            if (!"null".equals(t.asText())) {
                return t.asText();
            }
        }
        return "null";
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
