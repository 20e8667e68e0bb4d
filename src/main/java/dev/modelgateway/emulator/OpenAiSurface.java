package dev.modelgateway.emulator;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * OpenAI-compatible chat and completions under {@code /openai/v1}: the API vLLM, Ollama and TGI serve. Streams are
 * SSE chunks ending in {@code data: [DONE]}, with a usage chunk when asked.
 */
public final class OpenAiSurface implements EmulatorSurface {

    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void register(Router router) {
        router.post("/openai/v1/chat/completions").handler(ctx -> answer(ctx, true));
        router.post("/openai/v1/completions").handler(ctx -> answer(ctx, false));
        router.get("/openai/v1/models").handler(ctx -> ctx.json(JSON.createObjectNode().put("object", "list")
                .set("data", JSON.createArrayNode().add(JSON.createObjectNode().put("id", "emulated-model")
                        .put("object", "model").put("owned_by", "model-gateway-emulator")))));
    }

    static void answer(RoutingContext ctx, boolean chat) {
        answer(ctx, chat, null);
    }

    /** @param preamble an SSE event sent before the first chunk of a stream (Azure's prompt filter results), or null */
    static void answer(RoutingContext ctx, boolean chat, String preamble) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body().asString());
        } catch (Exception e) {
            error(ctx, 400, "the emulator could not read the request body as JSON");
            return;
        }
        answer(ctx, chat, body, preamble, false);
    }

    /** @param alwaysUsage end every stream with usage, as Mistral's API does, asked or not */
    static void answer(RoutingContext ctx, boolean chat, JsonNode body, boolean alwaysUsage) {
        answer(ctx, chat, body, null, alwaysUsage);
    }

    private static void answer(RoutingContext ctx, boolean chat, JsonNode body, String preamble, boolean alwaysUsage) {
        String model = body.path("model").asText("unknown");
        String prompt = chat ? lastUserText(body) : body.path("prompt").asText("");
        if (prompt == null) {
            error(ctx, 400, "messages must hold at least one user message");
            return;
        }
        int[] over = ContextWindow.over(ctx, model, ContextWindow.promptText(body));
        if (over != null) {
            // OpenAI's (and vLLM's) answer to a prompt longer than the model's window
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(JSON.createObjectNode()
                    .set("error", JSON.createObjectNode().put("message", EmulatedText.LABEL + " This model's maximum "
                            + "context length is " + over[1] + " tokens. However, your messages resulted in " + over[0]
                            + " tokens. Please reduce the length of the messages.")
                            .put("type", "invalid_request_error").put("param", "messages")
                            .put("code", "context_length_exceeded")).toString());
            return;
        }
        EmulatedTools.Call call = chat ? EmulatedTools.openAi(body) : null;
        String text = EmulatedText.answer(model, prompt);
        int in = EmulatedText.tokens(chat ? body.path("messages").toString() : prompt);
        int out = EmulatedText.tokens(text);
        String id = (chat ? "chatcmpl-emulated-" : "cmpl-emulated-") + Integer.toHexString(text.hashCode());
        long created = Instant.now().getEpochSecond();
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode answer = envelope(id, chat ? "chat.completion" : "text_completion", created, model);
            ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
            if (call != null) {
                ObjectNode message = choice.putObject("message").put("role", "assistant").putNull("content");
                ObjectNode c = message.putArray("tool_calls").addObject().put("id", call.id()).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.argumentsText());
            } else if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", text);
            } else {
                choice.put("text", text);
            }
            choice.put("finish_reason", call != null ? "tool_calls" : "stop");
            usage(answer, in, out);
            ctx.response().putHeader("Content-Type", "application/json").end(answer.toString());
            return;
        }
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        if (preamble != null) {
            response.write(preamble);
        }
        String object = chat ? "chat.completion.chunk" : "text_completion";
        List<String> fragments = call != null ? call.fragments() : List.of();
        for (int i = 0; i < fragments.size(); i++) {
            ObjectNode chunk = envelope(id, object, created, model);
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            ObjectNode c = choice.putObject("delta").putArray("tool_calls").addObject().put("index", 0);
            if (i == 0) {
                c.put("id", call.id()).put("type", "function");
            }
            ObjectNode f = c.putObject("function");
            if (i == 0) {
                f.put("name", call.name());
            }
            f.put("arguments", fragments.get(i));
            choice.putNull("finish_reason");
            response.write("data: " + chunk + "\n\n");
        }
        for (String piece : call != null ? List.<String>of() : EmulatedText.chunks(text)) {
            ObjectNode chunk = envelope(id, object, created, model);
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            if (chat) {
                choice.putObject("delta").put("content", piece);
            } else {
                choice.put("text", piece);
            }
            choice.putNull("finish_reason");
            response.write("data: " + chunk + "\n\n");
        }
        ObjectNode last = envelope(id, object, created, model);
        ObjectNode choice = last.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.put("finish_reason", call != null ? "tool_calls" : "stop");
        response.write("data: " + last + "\n\n");
        if (alwaysUsage || body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode usage = envelope(id, object, created, model);
            usage.putArray("choices");
            usage(usage, in, out);
            response.write("data: " + usage + "\n\n");
        }
        response.end("data: [DONE]\n\n");
    }

    private static String lastUserText(JsonNode body) {
        String last = null;
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                last = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
            }
        }
        return last;
    }

    private static ObjectNode envelope(String id, String object, long created, String model) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model)
                .put("system_fingerprint", "model-gateway-emulator");
    }

    private static void usage(ObjectNode node, int in, int out) {
        node.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    }

    static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(JSON.createObjectNode().set("error", JSON.createObjectNode().put("message",
                        EmulatedText.LABEL + " " + message).put("type", "invalid_request_error")).toString());
    }
}
