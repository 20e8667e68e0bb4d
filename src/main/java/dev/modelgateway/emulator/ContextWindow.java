package dev.modelgateway.emulator;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.ext.web.RoutingContext;

import dev.modelgateway.suggestions.TokenCounter;

/**
 * The emulator honours a model's context window (models.yaml {@code model_info.max_input_tokens}): a prompt longer
 * than it is refused with the provider's own context-length error, as a real model with that window would refuse it.
 * Prompts are counted with the gateway's tokenizer (cl100k_base), without the gateway's safety margin.
 */
final class ContextWindow {

    /** Where the emulator puts the served-name-to-window lookup for the surfaces (routing context data). */
    static final String KEY = "modelGatewayContextWindows";

    private ContextWindow() {
    }

    /** The {tokens, window} of a prompt over the model's window, or null when it fits or the model has none. */
    @SuppressWarnings("unchecked")
    static int[] over(RoutingContext ctx, String model, String promptText) {
        Function<String, Integer> windows = ctx.get(KEY);
        Integer window = windows == null || model == null ? null : windows.apply(model);
        if (window == null) {
            return null;
        }
        int tokens = TokenCounter.count(promptText);
        return tokens > window ? new int[] {tokens, window} : null;
    }

    /** Every text an OpenAI-style or Anthropic-style body sends to the model. */
    static String promptText(JsonNode body) {
        StringBuilder sb = new StringBuilder();
        collect(body.path("system"), sb);
        for (JsonNode m : body.path("messages")) {
            collect(m.path("content"), sb);
        }
        collect(body.path("prompt"), sb);
        collect(body.path("suffix"), sb);
        for (JsonNode c : body.path("contents")) {
            for (JsonNode part : c.path("parts")) {
                collect(part.path("text"), sb);
            }
        }
        for (JsonNode part : body.path("systemInstruction").path("parts")) {
            collect(part.path("text"), sb);
        }
        return sb.toString();
    }

    private static void collect(JsonNode node, StringBuilder sb) {
        if (node.isTextual()) {
            sb.append(node.asText());
        } else if (node.isArray()) {
            for (JsonNode part : node) {
                collect(part.isTextual() ? part : part.path("text"), sb);
            }
        }
    }
}
