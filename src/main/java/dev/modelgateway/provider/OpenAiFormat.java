package dev.modelgateway.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.stream.SseEvents;
import dev.modelgateway.stream.StreamListener;

/**
 * The OpenAI chat/completions wire format, shared by every provider that speaks it (OpenAI-compatible servers, Azure,
 * Vertex's Mistral and open-model endpoints): request bodies, whole answers and SSE chunks.
 */
public final class OpenAiFormat {

    public static final ObjectMapper JSON = new ObjectMapper();
    /** Made once: JSON.readTree would resolve the JsonNode type on every answer and chunk. */
    private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);

    private OpenAiFormat() {
    }

    /**
     * {@code {"model", "messages", "max_tokens", "temperature", "top_p", "stop", "stream", "stream_options"}}, plus
     * what the client asked beyond them (tools, tool_choice, parallel_tool_calls, response_format, and the OpenAI
     * fields {@link Capabilities} lets through), in OpenAI's own shape.
     */
    public static ObjectNode chatBody(ModelRequest request, String model) {
        ModelRequest r = Capabilities.check(request, Capabilities.Wire.OPENAI, request.model().provider());
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : r.messages()) {
            message(messages.addObject(), m);
        }
        sampling(body, r.params());
        options(body, r.options());
        streaming(body, r.stream());
        return body;
    }

    private static void message(ObjectNode out, ChatMessage m) {
        out.put("role", m.role());
        if (m.parts() != null) {
            ArrayNode parts = out.putArray("content");
            for (ContentPart p : m.parts()) {
                if (p.image() == null) {
                    parts.addObject().put("type", "text").put("text", p.text());
                } else {
                    ContentPart.Image img = p.image();
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", img.inline()
                            ? "data:" + img.mediaType() + ";base64," + img.data() : img.url());
                }
            }
        } else if (m.toolCalls() != null && m.content().isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", m.content());
        }
        if (m.toolCalls() != null) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (m.toolCallId() != null) {
            out.put("tool_call_id", m.toolCallId());
        }
    }

    private static void options(ObjectNode body, ChatOptions o) {
        if (o.tools() != null) {
            ArrayNode tools = body.putArray("tools");
            for (ChatOptions.Tool t : o.tools()) {
                ObjectNode f = tools.addObject().put("type", "function").putObject("function").put("name", t.name());
                if (t.description() != null) {
                    f.put("description", t.description());
                }
                if (t.parameters() != null) {
                    f.set("parameters", t.parameters());
                }
            }
        }
        ChatOptions.ToolChoice choice = o.toolChoice();
        if (choice != null) {
            if ("function".equals(choice.mode())) {
                body.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice.name());
            } else {
                body.put("tool_choice", choice.mode());
            }
        }
        if (o.parallelToolCalls() != null) {
            body.put("parallel_tool_calls", o.parallelToolCalls());
        }
        ChatOptions.ResponseFormat format = o.responseFormat();
        if (format != null) {
            ObjectNode rf = body.putObject("response_format").put("type", format.type());
            if (format.jsonSchema() != null) {
                rf.set("json_schema", format.jsonSchema());
            }
        }
        if (o.extra() != null) {
            o.extra().forEach(body::set);
        }
    }

    /**
     * A text completion; with {@code suffixField} the suffix travels as its own field, otherwise the family's FIM
     * tokens are written into the prompt.
     */
    public static ObjectNode completionBody(ModelRequest request, String model, boolean suffixField) {
        ModelRequest r = Capabilities.check(request, Capabilities.Wire.OPENAI, request.model().provider());
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
        if (r.options().extra() != null) {
            r.options().extra().forEach(body::set);
        }
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
        return fromTree(provider, tree(provider, () -> TREE.readTree(body)));
    }

    /** The same from the answer's bytes as read: Jackson's byte parser, no decoding to a String first. */
    public static ModelResponse parse(String provider, byte[] body) {
        return fromTree(provider, tree(provider, () -> TREE.readTree(body)));
    }

    private static JsonNode tree(String provider, java.util.concurrent.Callable<JsonNode> read) {
        try {
            return read.call();
        } catch (Exception e) {
            throw UpstreamErrors.garbage(provider, "not JSON");
        }
    }

    private static ModelResponse fromTree(String provider, JsonNode root) {
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode()) {
            throw UpstreamErrors.garbage(provider, "no choices in the answer");
        }
        JsonNode content = choice.path("message").path("content");
        String text = content.isTextual() ? content.asText() : choice.path("text").asText("");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : choice.path("message").path("tool_calls")) {
            JsonNode f = c.path("function");
            calls.add(new ToolCall(c.path("id").asText(), f.path("name").asText(), arguments(f.get("arguments"))));
        }
        return new ModelResponse(text, FinishReasons.normalize(choice.path("finish_reason").asText(null)),
                usage(root.get("usage")), calls);
    }

    /** Arguments as the JSON string OpenAI sends (some servers send the object itself). */
    private static String arguments(JsonNode args) {
        return args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
    }

    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
    }

    /**
     * Relays an SSE stream of chunks: text from {@code delta.content} (chat) or {@code text} (completions); chunks
     * without choices (Azure's prompt_filter_results, the usage chunk) carry no text; an {@code error} object ends it,
     * and so does a stream that stops with neither {@code [DONE]} nor a finish_reason (a 502 error event).
     */
    public static void relay(String provider, UpstreamStream response, StreamListener listener) {
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Usage> usage = new AtomicReference<>(Usage.NONE);
        AtomicReference<Boolean> ended = new AtomicReference<>(false);
        SseEvents.decode(response, response.maxEventBytes(), listener, event -> {
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
                chunk = TREE.readTree(data);
            } catch (Exception e) {
                ended.set(true);
                response.abort();
                listener.onError(UpstreamErrors.garbage(provider, "a stream chunk is not JSON"));
                return;
            }
            if (chunk.has("error")) {
                ended.set(true);
                response.abort();
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
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                JsonNode f = call.path("function");
                JsonNode args = f.get("arguments");
                listener.onToolCall(call.path("index").asInt(0), call.path("id").asText(null),
                        f.path("name").asText(null), args == null || args.isNull() ? ""
                                : args.isTextual() ? args.asText() : args.toString());
            }
            String reason = choice.path("finish_reason").asText(null);
            if (reason != null && !"null".equals(reason)) {
                finish.set(FinishReasons.normalize(reason));
            }
        }, () -> {
            if (!ended.get()) {
                ended.set(true);
                if (finish.get() == null) {
                    // neither [DONE] nor a finish_reason: the answer was cut short, which the client must not take
                    // for the model's whole answer
                    listener.onError(UpstreamErrors.garbage(provider,
                            "the stream ended without a finish_reason or [DONE] (cut short)"));
                } else {
                    listener.onComplete(finish.get(), usage.get());
                }
            }
        }, error -> {
            if (!ended.get()) {
                ended.set(true);
                listener.onError(UpstreamErrors.unwrap(error, provider));
            }
        }, response::abort);
    }
}
