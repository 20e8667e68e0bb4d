package dev.modelgateway.provider.vertex;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpClientResponse;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.UpstreamErrors;
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
    static ObjectNode body(ModelRequest r) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode contents = body.putArray("contents");
        for (ChatMessage m : r.conversation()) {
            String role = "assistant".equals(m.role()) ? "model" : "user";
            contents.addObject().<ObjectNode>set("parts", JSON.createArrayNode().add(JSON.createObjectNode()
                    .put("text", m.content()))).put("role", role);
        }
        String system = r.systemText();
        if (system != null) {
            body.putObject("systemInstruction").<ObjectNode>set("parts", JSON.createArrayNode()
                    .add(JSON.createObjectNode().put("text", system))).put("role", "user");
        }
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
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
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
        return new ModelResponse(text(candidate), FinishReasons.normalize(candidate.path("finishReason").asText(null)),
                usage(root));
    }

    /** Relays the SSE events: text as it comes, finish reason and (cumulative) usage from the last ones. */
    static void relay(HttpClientResponse response, StreamListener listener) {
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Usage> usage = new AtomicReference<>(Usage.NONE);
        AtomicBoolean ended = new AtomicBoolean();
        SseEvents.decode(response, listener, event -> {
            if (ended.get()) {
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(event.data());
            } catch (Exception e) {
                ended.set(true);
                listener.onError(UpstreamErrors.garbage(VertexErrors.PROVIDER, "a stream event is not JSON"));
                return;
            }
            if (chunk.isArray() && !chunk.isEmpty()) {
                chunk = chunk.get(0);
            }
            if (chunk.has("error")) {
                ended.set(true);
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
            String reason = candidate.path("finishReason").asText(null);
            if (reason != null) {
                finish.set(FinishReasons.normalize(reason));
            } else if (chunk.path("promptFeedback").has("blockReason")) {
                finish.set("content_filter");
            }
        }, () -> {
            if (ended.compareAndSet(false, true)) {
                listener.onComplete(finish.get() == null ? "stop" : finish.get(), usage.get());
            }
        }, error -> {
            if (ended.compareAndSet(false, true)) {
                listener.onError(UpstreamErrors.unwrap(error, VertexErrors.PROVIDER));
            }
        });
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
