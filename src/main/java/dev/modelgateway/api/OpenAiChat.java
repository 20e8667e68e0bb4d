package dev.modelgateway.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.api.Requests.ChatCompletionRequest;
import dev.modelgateway.api.Requests.ChatMessageIn;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatOptions;
import dev.modelgateway.prompt.PromptDefinition;
import dev.modelgateway.provider.ContentPart;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ToolCall;

/**
 * Reads the parts of an OpenAI chat request beyond plain text: image parts, assistant tool calls, tool results,
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, {@code response_format} and any other field (kept
 * by name for the provider to honour or refuse). Shapes are checked here, once; 422 names the field.
 */
final class OpenAiChat {

    /** OpenAI's own rule for function names. */
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern DATA_URL = Pattern.compile("data:(image/[a-zA-Z0-9.+-]+);base64,(.+)", Pattern.DOTALL);

    private OpenAiChat() {
    }

    static List<ChatMessage> messages(List<ChatMessageIn> in) {
        if (in == null || in.isEmpty()) {
            throw GatewayException.unprocessable("field 'messages' must be a non-empty list");
        }
        List<ChatMessage> messages = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            messages.add(message(in.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    static ChatMessage message(ChatMessageIn m, String where) {
        String role = m == null ? null : m.role();
        if (role == null) {
            throw GatewayException.unprocessable("field '" + where + ".role' is required");
        }
        return switch (role) {
            case "system", "developer" -> new ChatMessage("system", text(m.content(), where, false));
            case "user" -> user(m.content(), where);
            case "assistant" -> assistant(m, where);
            case "tool" -> {
                if (m.toolCallId() == null || m.toolCallId().isBlank()) {
                    throw GatewayException.unprocessable("field '" + where + ".tool_call_id' is required for a "
                            + "tool message");
                }
                yield ChatMessage.toolResult(m.toolCallId(), text(m.content(), where, false));
            }
            default -> throw GatewayException.unprocessable("field '" + where + ".role' must be system, user, "
                    + "assistant or tool, not '" + role + "'");
        };
    }

    private static ChatMessage user(JsonNode content, String where) {
        if (content == null || !content.isArray()) {
            return new ChatMessage("user", text(content, where, false));
        }
        List<ContentPart> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String at = where + ".content[" + i + "]";
            switch (part.path("type").asText()) {
                case "text" -> {
                    if (!part.path("text").isTextual()) {
                        throw GatewayException.unprocessable("field '" + at + ".text' must be a string");
                    }
                    parts.add(ContentPart.text(part.get("text").asText()));
                    text.append(part.get("text").asText());
                }
                case "image_url" -> parts.add(ContentPart.image(image(part.path("image_url"), at + ".image_url")));
                default -> throw GatewayException.unprocessable("field '" + at + ".type' must be text or image_url");
            }
        }
        boolean images = parts.stream().anyMatch(p -> p.image() != null);
        return images ? new ChatMessage("user", text.toString(), parts, null, null)
                : new ChatMessage("user", text.toString());
    }

    private static ContentPart.Image image(JsonNode imageUrl, String where) {
        JsonNode url = imageUrl.isTextual() ? imageUrl : imageUrl.path("url");
        if (!url.isTextual()) {
            throw GatewayException.unprocessable("field '" + where + ".url' must be a string");
        }
        String u = url.asText();
        var data = DATA_URL.matcher(u);
        if (data.matches()) {
            return new ContentPart.Image(data.group(1), data.group(2), null);
        }
        if (u.startsWith("https://")) {
            return new ContentPart.Image(null, null, u);
        }
        throw GatewayException.unprocessable("field '" + where + ".url' must be a data:image/...;base64, URL or an "
                + "https: URL");
    }

    private static ChatMessage assistant(ChatMessageIn m, String where) {
        String text = m.content() == null || m.content().isNull() ? "" : text(m.content(), where, true);
        JsonNode calls = m.toolCalls();
        if (calls == null || calls.isNull()) {
            return new ChatMessage("assistant", text);
        }
        if (!calls.isArray()) {
            throw GatewayException.unprocessable("field '" + where + ".tool_calls' must be a list");
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String at = where + ".tool_calls[" + i + "]";
            JsonNode function = call.path("function");
            if (!call.path("id").isTextual()) {
                throw GatewayException.unprocessable("field '" + at + ".id' must be a string");
            }
            if (!function.path("name").isTextual()) {
                throw GatewayException.unprocessable("field '" + at + ".function.name' must be a string");
            }
            JsonNode args = function.path("arguments");
            String arguments = args.isTextual() ? args.asText() : args.isObject() ? args.toString() : null;
            if (arguments == null) {
                throw GatewayException.unprocessable("field '" + at + ".function.arguments' must be a JSON string");
            }
            toolCalls.add(new ToolCall(call.get("id").asText(), function.get("name").asText(), arguments));
        }
        return new ChatMessage("assistant", text, null, toolCalls, null);
    }

    /** A string, or a list of text parts joined; {@code nullable} lets an assistant turn with tool calls be empty. */
    private static String text(JsonNode content, String where, boolean nullable) {
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw GatewayException.unprocessable("field '" + where + ".content' may only hold text parts");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        if (nullable && (content == null || content.isNull())) {
            return "";
        }
        throw GatewayException.unprocessable("field '" + where + ".content' must be a string or a list of text parts");
    }

    /** tools, tool_choice, parallel_tool_calls, response_format and the remaining fields of the request. */
    static ChatOptions options(ChatCompletionRequest r) {
        List<ChatOptions.Tool> tools = tools(r.tools());
        ChatOptions.ToolChoice choice = toolChoice(r.toolChoice(), tools);
        return new ChatOptions(tools, choice, r.parallelToolCalls(), responseFormat(r.responseFormat()),
                extra(r.extra()));
    }

    /** The request's other fields, for the provider to honour or refuse by name. */
    static Map<String, JsonNode> extra(Map<String, JsonNode> fields) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        if (fields != null) {
            fields.forEach((k, v) -> {
                // n: 1 and null values ask for nothing beyond the default
                if (v != null && !v.isNull() && !("n".equals(k) && v.isInt() && v.asInt() == 1)) {
                    extra.put(k, v);
                }
            });
        }
        return extra;
    }

    private static List<ChatOptions.Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw GatewayException.unprocessable("field 'tools' must be a list");
        }
        List<ChatOptions.Tool> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) {
                throw GatewayException.unprocessable("field '" + at + ".type' must be function");
            }
            JsonNode f = t.path("function");
            String name = f.path("name").asText(null);
            if (name == null || !FUNCTION_NAME.matcher(name).matches()) {
                throw GatewayException.unprocessable("field '" + at + ".function.name' must be 1-64 letters, "
                        + "digits, _ or -");
            }
            if (!names.add(name)) {
                throw GatewayException.unprocessable("field '" + at + ".function.name' repeats '" + name + "'");
            }
            JsonNode params = f.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw GatewayException.unprocessable("field '" + at + ".function.parameters' must be a JSON Schema "
                        + "object");
            }
            out.add(new ChatOptions.Tool(name, f.path("description").asText(null),
                    params == null || params.isNull() ? null : params));
        }
        return out;
    }

    private static ChatOptions.ToolChoice toolChoice(JsonNode choice, List<ChatOptions.Tool> tools) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText())) {
            if (!"none".equals(choice.asText()) && tools == null) {
                throw GatewayException.unprocessable("field 'tool_choice' needs 'tools'");
            }
            return new ChatOptions.ToolChoice(choice.asText(), null);
        }
        String name = choice.path("function").path("name").asText(null);
        if ("function".equals(choice.path("type").asText()) && name != null) {
            if (tools == null || tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw GatewayException.unprocessable("field 'tool_choice.function.name' names '" + name
                        + "', which is not in 'tools'");
            }
            return new ChatOptions.ToolChoice("function", name);
        }
        throw GatewayException.unprocessable("field 'tool_choice' must be auto, none, required or "
                + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
    }

    private static ChatOptions.ResponseFormat responseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        return switch (format.path("type").asText()) {
            case "text" -> null;
            case "json_object" -> new ChatOptions.ResponseFormat("json_object", null, null, null);
            case "json_schema" -> {
                JsonNode spec = format.path("json_schema");
                if (!spec.path("schema").isObject()) {
                    throw GatewayException.unprocessable("field 'response_format.json_schema.schema' must be a JSON "
                            + "Schema object");
                }
                yield new ChatOptions.ResponseFormat("json_schema", spec.path("name").asText("response"),
                        spec.get("schema"), spec);
            }
            default -> throw GatewayException.unprocessable("field 'response_format.type' must be text, json_object "
                    + "or json_schema");
        };
    }

    /**
     * /v1/prompts with tools: the request's {@code tools} (OpenAI shape), else those the prompt definition declares,
     * offered to the model with the request's {@code tool_choice}; tool calls are answered in OpenAI's shape.
     */
    record PromptTools(List<ChatOptions.Tool> tools, JsonNode toolChoice) {

        /** The request's tools, or null when it brings none (a definition may still declare some). */
        static PromptTools of(JsonNode tools, JsonNode toolChoice) {
            List<ChatOptions.Tool> parsed = OpenAiChat.tools(tools);
            if (parsed == null && toolChoice != null && !toolChoice.isNull()) {
                throw GatewayException.unprocessable("field 'tool_choice' needs 'tools'");
            }
            return parsed == null ? null : new PromptTools(parsed, toolChoice);
        }

        /** The rendered request for this definition, with the tools it is to offer. */
        static ModelRequest apply(PromptTools requested, PromptDefinition def,
                Function<PromptDefinition, ModelRequest> render) {
            ModelRequest request = render.apply(def);
            List<ChatOptions.Tool> tools = requested != null ? requested.tools() : OpenAiChat.tools(def.tools());
            if (tools == null || request.isFim()) {
                return request;
            }
            ChatOptions.ToolChoice choice = requested == null ? null
                    : OpenAiChat.toolChoice(requested.toolChoice(), tools);
            return request.withOptions(new ChatOptions(tools, choice, null, null, null));
        }
    }
}
