package dev.modelgateway.suggestions;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A deployment's code-suggestion settings, from its {@code model_info} in models.yaml: the context window
 * ({@code max_input_tokens}, LiteLLM's key), and the switches for the budget, the context share and each
 * post-processing step. Absent keys take the family's defaults ({@link TokenBudget}).
 */
public record SuggestionSettings(Integer maxInputTokens, Double tokenMargin, Double contextShare,
        Set<PostProcessor.Step> excludedSteps) {

    public static final String MAX_INPUT_TOKENS = "max_input_tokens";
    public static final String TOKEN_MARGIN = "suggestions_token_margin";
    public static final String CONTEXT_SHARE = "suggestions_context_share";
    public static final String EXCLUDE = "suggestions_post_processing_exclude";

    /** The model_info keys read here, so the catalogue does not warn about them. */
    public static final Set<String> KEYS = Set.of(MAX_INPUT_TOKENS, TOKEN_MARGIN, CONTEXT_SHARE, EXCLUDE);

    public static final SuggestionSettings DEFAULTS = new SuggestionSettings(null, null, null, Set.of());

    public SuggestionSettings {
        excludedSteps = excludedSteps == null || excludedSteps.isEmpty() ? Set.of()
                : Set.copyOf(EnumSet.copyOf(excludedSteps));
    }

    /** Reads the keys from a model_info mapping; a bad value is an IllegalArgumentException naming the key. */
    public static SuggestionSettings parse(JsonNode modelInfo) {
        if (modelInfo == null || !modelInfo.isObject()) {
            return DEFAULTS;
        }
        Integer max = null;
        JsonNode m = modelInfo.get(MAX_INPUT_TOKENS);
        if (m != null && !m.isNull()) {
            if (!m.canConvertToInt() || !m.isIntegralNumber() || m.asInt() < 1) {
                throw new IllegalArgumentException("model_info." + MAX_INPUT_TOKENS + " must be a positive whole number");
            }
            max = m.asInt();
        }
        Double margin = fraction(modelInfo, TOKEN_MARGIN, 0.0, 0.9);
        Double share = fraction(modelInfo, CONTEXT_SHARE, 0.0, 1.0);
        Set<PostProcessor.Step> excluded = EnumSet.noneOf(PostProcessor.Step.class);
        JsonNode ex = modelInfo.get(EXCLUDE);
        if (ex != null && !ex.isNull()) {
            if (ex.isTextual() && ex.asText().equals("all")) {
                excluded.addAll(EnumSet.allOf(PostProcessor.Step.class));
            } else if (ex.isArray()) {
                for (JsonNode name : ex) {
                    PostProcessor.Step step = PostProcessor.Step.byName(name.asText());
                    if (!name.isTextual() || step == null) {
                        throw new IllegalArgumentException("model_info." + EXCLUDE + ": '" + name.asText()
                                + "' is not a post-processing step; known: " + PostProcessor.Step.names());
                    }
                    excluded.add(step);
                }
            } else {
                throw new IllegalArgumentException("model_info." + EXCLUDE + " must be a list of step names or 'all'");
            }
        }
        return new SuggestionSettings(max, margin, share, excluded);
    }

    private static Double fraction(JsonNode info, String key, double min, double max) {
        JsonNode v = info.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new IllegalArgumentException("model_info." + key + " must be a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "max_input_tokens=%s margin=%s context_share=%s exclude=%s", maxInputTokens,
                tokenMargin, contextShare, excludedSteps);
    }
}
