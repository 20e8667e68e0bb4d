package dev.modelgateway.provider.vertex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Capabilities;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatOptions;
import dev.modelgateway.provider.ContentPart;
import dev.modelgateway.provider.ToolCall;
import dev.modelgateway.provider.ToolSchemas;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.UpstreamStream;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.SseEvents;
import dev.modelgateway.stream.StreamListener;

/**
 * Gemini's generateContent wire format as @google/genai writes it: {@code contents[{role: user|model, parts[{text}]}]},
 * {@code systemInstruction} (role user), {@code generationConfig}. Answers and each SSE event of
 * {@code streamGenerateContent?alt=sse} are GenerateContentResponses; the stream has no {@code [DONE]}.
 */
final class GeminiFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiFormat() {
    }

    /** The body for a conversation (callers turn fill-in-the-middle into one first). */
    static ObjectNode body(ModelRequest request) {
        ModelRequest r = Capabilities.check(request, Capabilities.Wire.GEMINI, request.model().provider());
        ObjectNode body = JSON.createObjectNode();
        ArrayNode contents = body.putArray("contents");
        Map<String, String> callNames = new HashMap<>();
        ObjectNode previous = null;
        for (ChatMessage m : r.conversation()) {
            if (m.isPlainText()) {
                String role = "assistant".equals(m.role()) ? "model" : "user";
                previous = contents.addObject().<ObjectNode>set("parts", JSON.createArrayNode().add(JSON
                        .createObjectNode().put("text", m.content()))).put("role", role);
                continue;
            }
            if (m.toolCallId() != null) {
                // a tool's answer: a functionResponse part, named after the call it answers; answers in a row share a turn
                ObjectNode turn = previous != null && previous.path("parts").path(0).has("functionResponse")
                        ? previous : contents.addObject().put("role", "user");
                ArrayNode parts = turn.has("parts") ? (ArrayNode) turn.get("parts") : turn.putArray("parts");
                String name = callNames.get(m.toolCallId());
                if (name == null) {
                    throw new GatewayException(400, "invalid_request_error", "the tool message answers '"
                            + m.toolCallId() + "', which no earlier assistant turn called; Gemini needs the function's "
                            + "name");
                }
                ObjectNode response = parts.addObject().putObject("functionResponse");
                response.put("id", m.toolCallId()).put("name", name).set("response", toolResponse(m.content()));
                previous = turn;
                continue;
            }
            String role = "assistant".equals(m.role()) ? "model" : "user";
            ObjectNode turn = contents.addObject();
            ArrayNode parts = turn.putArray("parts");
            for (ContentPart part : m.partsOrText()) {
                if (part.image() == null) {
                    parts.addObject().put("text", part.text());
                } else if (part.image().inline()) {
                    parts.addObject().putObject("inlineData").put("mimeType", part.image().mediaType())
                            .put("data", part.image().data());
                } else {
                    parts.addObject().putObject("fileData").put("mimeType", imageType(part.image().url()))
                            .put("fileUri", part.image().url());
                }
            }
            if (m.toolCalls() != null) {
                for (ToolCall call : m.toolCalls()) {
                    callNames.put(call.id(), call.name());
                    parts.addObject().putObject("functionCall").put("id", call.id()).put("name", call.name())
                            .set("args", ToolSchemas.arguments(call.arguments()));
                }
            }
            turn.put("role", role);
            previous = turn;
        }
        String system = r.systemText();
        if (system != null) {
            body.putObject("systemInstruction").<ObjectNode>set("parts", JSON.createArrayNode()
                    .add(JSON.createObjectNode().put("text", system))).put("role", "user");
        }
        ChatOptions o = r.options();
        tools(body, o);
        GenerationParams p = r.params();
        ObjectNode config = JSON.createObjectNode();
        if (p.temperature() != null) {
            config.put("temperature", p.temperature());
        }
        if (p.maxTokens() != null) {
            config.put("maxOutputTokens", p.maxTokens());
        }
        if (p.topP() != null) {
            config.put("topP", p.topP());
        }
        if (p.stop() != null) {
            ArrayNode stop = config.putArray("stopSequences");
            p.stop().forEach(stop::add);
        }
        if (o.responseFormat() != null) {
            config.put("responseMimeType", "application/json");
            if (o.responseFormat().schema() != null) {
                config.set("responseSchema", ToolSchemas.forGemini(o.responseFormat().schema()));
            }
        }
        if (o.extra() != null) {
            o.extra().forEach((k, v) -> config.set(switch (k) {
                case "presence_penalty" -> "presencePenalty";
                case "frequency_penalty" -> "frequencyPenalty";
                default -> k; // seed
            }, v));
        }
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
    }

    /** {@code tools[].functionDeclarations} and {@code toolConfig.functionCallingConfig}. */
    private static void tools(ObjectNode body, ChatOptions o) {
        if (o.tools() != null) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ChatOptions.Tool t : o.tools()) {
                ObjectNode f = declarations.addObject().put("name", t.name());
                if (t.description() != null) {
                    f.put("description", t.description());
                }
                // Gemini refuses an object schema without properties: a function that takes nothing has none
                if (t.parameters() != null && t.parameters().path("properties").size() > 0) {
                    f.set("parameters", ToolSchemas.forGemini(t.parameters()));
                }
            }
        }
        ChatOptions.ToolChoice c = o.toolChoice();
        if (c != null) {
            ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
            switch (c.mode()) {
                case "required" -> config.put("mode", "ANY");
                case "none" -> config.put("mode", "NONE");
                case "function" -> config.put("mode", "ANY").putArray("allowedFunctionNames").add(c.name());
                default -> config.put("mode", "AUTO");
            }
        }
    }

    /** A tool's answer as Gemini's response object: the JSON object itself, or the text under "content". */
    private static JsonNode toolResponse(String content) {
        try {
            JsonNode node = JSON.readTree(content);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception notJson) {
            // plain text
        }
        return JSON.createObjectNode().put("content", content);
    }

    private static String imageType(String url) {
        String u = url.toLowerCase(java.util.Locale.ROOT);
        return u.endsWith(".png") ? "image/png" : u.endsWith(".webp") ? "image/webp" : u.endsWith(".gif")
                ? "image/gif" : "image/jpeg";
    }

    static ModelResponse parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw UpstreamErrors.garbage(VertexErrors.PROVIDER, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw UpstreamErrors.garbage(VertexErrors.PROVIDER, "not a GenerateContentResponse");
        }
        JsonNode candidate = root.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            if (root.path("promptFeedback").has("blockReason")) {
                return new ModelResponse("", "content_filter", usage(root));
            }
            throw UpstreamErrors.garbage(VertexErrors.PROVIDER, "no candidates in the answer");
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                calls.add(call(part.get("functionCall")));
            }
        }
        String finish = FinishReasons.normalize(candidate.path("finishReason").asText(null));
        return new ModelResponse(text(candidate), !calls.isEmpty() && "stop".equals(finish) ? "tool_calls" : finish,
                usage(root), calls);
    }

    /** Gemini sends a call whole; newer models give it an id, older ones do not (one is made). */
    private static ToolCall call(JsonNode f) {
        String id = f.path("id").asText("");
        return new ToolCall(id.isEmpty() ? "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24)
                : id, f.path("name").asText(), f.path("args").isObject() ? f.get("args").toString() : "{}");
    }

    /** Relays the SSE events: text as it comes, finish reason and (cumulative) usage from the last ones. */
    static void relay(UpstreamStream response, StreamListener listener) {
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Usage> usage = new AtomicReference<>(Usage.NONE);
        AtomicBoolean ended = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        SseEvents.decode(response, response.maxEventBytes(), listener, event -> {
            if (ended.get()) {
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(event.data());
            } catch (Exception e) {
                ended.set(true);
                response.abort();
                listener.onError(UpstreamErrors.garbage(VertexErrors.PROVIDER, "a stream event is not JSON"));
                return;
            }
            if (chunk.isArray() && !chunk.isEmpty()) {
                chunk = chunk.get(0);
            }
            if (chunk.has("error")) {
                ended.set(true);
                response.abort();
                listener.onError(new GatewayException(502, "upstream_error", VertexErrors.PROVIDER
                        + " failed mid-stream: " + UpstreamErrors.reason(chunk.toString())));
                return;
            }
            if (chunk.has("usageMetadata")) {
                usage.set(usage(chunk));
            }
            JsonNode candidate = chunk.path("candidates").path(0);
            String text = text(candidate);
            if (!text.isEmpty()) {
                listener.onText(text);
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.has("functionCall")) {
                    ToolCall call = call(part.get("functionCall"));
                    listener.onToolCall(calls.getAndIncrement(), call.id(), call.name(), call.arguments());
                }
            }
            String reason = candidate.path("finishReason").asText(null);
            if (reason != null) {
                finish.set(FinishReasons.normalize(reason));
            } else if (chunk.path("promptFeedback").has("blockReason")) {
                finish.set("content_filter");
            }
        }, () -> {
            if (ended.compareAndSet(false, true)) {
                String reason = finish.get() == null ? "stop" : finish.get();
                listener.onComplete(calls.get() > 0 && "stop".equals(reason) ? "tool_calls" : reason, usage.get());
            }
        }, error -> {
            if (ended.compareAndSet(false, true)) {
                listener.onError(UpstreamErrors.unwrap(error, VertexErrors.PROVIDER));
            }
        }, response::abort);
    }

    private static String text(JsonNode candidate) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }

    private static Usage usage(JsonNode root) {
        JsonNode u = root.path("usageMetadata");
        return new Usage(u.path("promptTokenCount").asInt(0), u.path("candidatesTokenCount").asInt(0));
    }
}
