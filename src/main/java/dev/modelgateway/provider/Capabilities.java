package dev.modelgateway.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.api.GatewayException;

/**
 * Which OpenAI request fields each wire format honours, checked per deployment before anything is sent: a field the
 * chosen provider cannot honour is refused with 400 naming the field and the provider, unless the deployment sets
 * LiteLLM's {@code drop_params: true}, in which case it is dropped (logged at DEBUG). Nothing is dropped silently.
 */
public final class Capabilities {

    private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

    /** The wire formats the providers speak. */
    public enum Wire {
        /** OpenAI chat/completions (OpenAI-compatible servers, Azure, Vertex Mistral and open models). */
        OPENAI(true, true, Set.of("seed", "presence_penalty", "frequency_penalty", "logit_bias", "user",
                "reasoning_effort", "service_tier", "metadata", "store")),
        /** Anthropic Messages (Bedrock InvokeModel, Vertex rawPredict). */
        ANTHROPIC(true, true, Set.of()),
        /** Gemini generateContent. */
        GEMINI(false, false, Set.of("seed", "presence_penalty", "frequency_penalty")),
        /** Bedrock Converse. */
        CONVERSE(false, false, Set.of());

        private final boolean parallelSwitch;
        private final boolean toolChoiceNone;
        private final Set<String> extras;

        Wire(boolean parallelSwitch, boolean toolChoiceNone, Set<String> extras) {
            this.parallelSwitch = parallelSwitch;
            this.toolChoiceNone = toolChoiceNone;
            this.extras = extras;
        }
    }

    /** Families whose models take images (others answer 400 naming the model). */
    private static final Set<String> VISION_FAMILIES = Set.of("claude_3", "gemini", "gpt");
    /** Llama 3.2 11B/90B and Llama 4 are the Llama models that see images. */
    private static final Pattern LLAMA_VISION = Pattern.compile(
            "(?i).*(llama-?3[.-]2-(11|90)b|llama-?4|vision).*");

    private Capabilities() {
    }

    /**
     * The request as this wire can send it: unchanged when it honours everything asked, else with the unsupported
     * fields dropped (drop_params) or refused.
     */
    public static ModelRequest check(ModelRequest request, Wire wire, String provider) {
        ChatOptions o = request.options();
        if (o.isEmpty() && (request.isFim() || request.messages().stream().noneMatch(ChatMessage::hasImages))) {
            return request;
        }
        List<String> unsupported = new ArrayList<>();
        ChatOptions.ToolChoice choice = o.toolChoice();
        if (choice != null && "none".equals(choice.mode()) && !wire.toolChoiceNone) {
            unsupported.add("tool_choice");
            choice = null;
        }
        Boolean parallel = o.parallelToolCalls();
        if (Boolean.FALSE.equals(parallel) && !wire.parallelSwitch) {
            unsupported.add("parallel_tool_calls");
            parallel = null;
        }
        Map<String, JsonNode> extra = null;
        if (o.extra() != null) {
            extra = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : o.extra().entrySet()) {
                if (wire.extras.contains(e.getKey())) {
                    extra.put(e.getKey(), e.getValue());
                } else {
                    unsupported.add(e.getKey());
                }
            }
        }
        List<ChatMessage> messages = request.messages();
        boolean images = messages != null && messages.stream().anyMatch(ChatMessage::hasImages);
        if (images && !seesImages(request.model().family(), request.model().servedName())) {
            unsupported.add("messages[].content[].image_url");
            messages = messages.stream().map(m -> m.hasImages() ? withoutImages(m) : m).toList();
        }
        if (unsupported.isEmpty()) {
            return request;
        }
        if (!dropParams(request)) {
            throw new GatewayException(400, "invalid_request_error", (unsupported.size() == 1 ? "field '"
                    + unsupported.get(0) + "' is" : "fields " + unsupported + " are") + " not supported by "
                    + provider + " for model '" + request.model().alias() + "' (" + request.model().servedName()
                    + "); set drop_params: true in models.yaml to drop unsupported fields instead");
        }
        LOG.debug("drop_params: dropped {} for {} ({})", unsupported, request.model().alias(), provider);
        ModelRequest kept = request.withOptions(new ChatOptions(o.tools(), choice, parallel, o.responseFormat(),
                extra));
        return messages == null ? kept : kept.withMessages(messages);
    }

    public static boolean seesImages(String family, String servedName) {
        return VISION_FAMILIES.contains(family)
                || "llama3".equals(family) && servedName != null && LLAMA_VISION.matcher(servedName).matches();
    }

    /** LiteLLM's drop_params, on the deployment (litellm_params) or for every deployment (litellm_settings). */
    static boolean dropParams(ModelRequest request) {
        return "true".equalsIgnoreCase(request.model().param("drop_params", "false"));
    }

    private static ChatMessage withoutImages(ChatMessage m) {
        List<ContentPart> text = m.parts().stream().filter(p -> p.image() == null).toList();
        return new ChatMessage(m.role(), m.content(), text, m.toolCalls(), m.toolCallId());
    }
}
