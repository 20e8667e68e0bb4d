package dev.modelgateway.provider;

import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.stream.SseEvents;
import dev.modelgateway.stream.StreamListener;

/**
 * The OpenAI chat/completions wire format, shared by every provider that speaks it (OpenAI-compatible servers, Azure,
 * Vertex's Mistral and open-model endpoints): request bodies, whole answers and SSE chunks.
 */
public final class OpenAiFormat {

    public static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiFormat() {
    }

    /** {@code {"model", "messages", "max_tokens", "temperature", "top_p", "stop", "stream", "stream_options"}}. */
    public static ObjectNode chatBody(ModelRequest r, String model) {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : r.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        sampling(body, r.params());
        streaming(body, r.stream());
        return body;
    }

    /**
     * A text completion; with {@code suffixField} the suffix travels as its own field, otherwise the family's FIM
     * tokens are written into the prompt.
     */
    public static ObjectNode completionBody(ModelRequest r, String model, boolean suffixField) {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        FimPrompt fim = r.fim();
        boolean hasSuffix = fim.suffix() != null && !fim.suffix().isEmpty();
        if (!hasSuffix) {
            body.put("prompt", fim.prefix());
        } else if (suffixField) {
            body.put("prompt", fim.prefix());
            body.put("suffix", fim.suffix());
        } else {
            body.put("prompt", FimTokens.render(r.model().family(), fim.prefix(), fim.suffix()));
        }
        sampling(body, r.params());
        streaming(body, r.stream());
        return body;
    }

    public static void sampling(ObjectNode body, GenerationParams p) {
        if (p.maxTokens() != null) {
            body.put("max_tokens", p.maxTokens());
        }
        if (p.temperature() != null) {
            body.put("temperature", p.temperature());
        }
        if (p.topP() != null) {
            body.put("top_p", p.topP());
        }
        if (p.stop() != null) {
            ArrayNode stop = body.putArray("stop");
            p.stop().forEach(stop::add);
        }
    }

    private static void streaming(ObjectNode body, boolean stream) {
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
    }

    public static Buffer buffer(JsonNode body) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A whole chat or text completion: text from message.content or text, finish_reason, usage. */
    public static ModelResponse parse(String provider, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw UpstreamErrors.garbage(provider, "not JSON");
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode()) {
            throw UpstreamErrors.garbage(provider, "no choices in the answer");
        }
        JsonNode content = choice.path("message").path("content");
        String text = content.isTextual() ? content.asText() : choice.path("text").asText("");
        return new ModelResponse(text, FinishReasons.normalize(choice.path("finish_reason").asText(null)),
                usage(root.get("usage")));
    }

    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
    }

    /**
     * Relays an SSE stream of chunks: text from {@code delta.content} (chat) or {@code text} (completions); chunks
     * without choices (Azure's prompt_filter_results, the usage chunk) carry no text; an {@code error} object ends it.
     */
    public static void relay(String provider, HttpClientResponse response, StreamListener listener) {
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Usage> usage = new AtomicReference<>(Usage.NONE);
        AtomicReference<Boolean> ended = new AtomicReference<>(false);
        SseEvents.decode(response, listener, event -> {
            if (ended.get()) {
                return;
            }
            String data = event.data();
            if ("[DONE]".equals(data.trim())) {
                ended.set(true);
                listener.onComplete(finish.get() == null ? "stop" : finish.get(), usage.get());
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(data);
            } catch (Exception e) {
                ended.set(true);
                listener.onError(UpstreamErrors.garbage(provider, "a stream chunk is not JSON"));
                return;
            }
            if (chunk.has("error")) {
                ended.set(true);
                listener.onError(new GatewayException(502, "upstream_error", provider + " failed mid-stream: "
                        + UpstreamErrors.reason(chunk.toString())));
                return;
            }
            if (chunk.hasNonNull("usage")) {
                usage.set(usage(chunk.get("usage")));
            }
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.isMissingNode()) {
                return;
            }
            JsonNode delta = choice.path("delta").path("content");
            String text = delta.isTextual() ? delta.asText() : choice.path("text").asText("");
            if (!text.isEmpty()) {
                listener.onText(text);
            }
            String reason = choice.path("finish_reason").asText(null);
            if (reason != null && !"null".equals(reason)) {
                finish.set(FinishReasons.normalize(reason));
            }
        }, () -> {
            if (!ended.get()) {
                ended.set(true);
                listener.onComplete(finish.get() == null ? "stop" : finish.get(), usage.get());
            }
        }, error -> {
            if (!ended.get()) {
                ended.set(true);
                listener.onError(UpstreamErrors.unwrap(error, provider));
            }
        });
    }
}
