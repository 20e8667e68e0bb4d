package dev.modelgateway.config;

import java.util.Map;

import dev.modelgateway.suggestions.SuggestionSettings;

/**
 * One entry of models.yaml's model_list: the alias clients use, the translated identifier, the prompt family, the
 * provider settings (secrets already resolved) and its id ({@code model_info.id}, default {@code <model_name>#<index>}),
 * the name it has in logs, metrics and errors, and its code-suggestion settings (model_info.max_input_tokens and the
 * suggestions_* keys). {@link #toString()} never shows the settings.
 */
public record ModelDeployment(String alias, ModelIdentifier identifier, String family, Map<String, String> params,
        String id, SuggestionSettings suggestions) {

    /**
     * Internal param of a client-supplied endpoint: the IP address its host resolved to when it was checked; the call
     * connects there (models.yaml cannot set it).
     */
    public static final String CONNECT_TO = "_gateway_connect_to";

    public ModelDeployment {
        params = Map.copyOf(params);
        id = id == null ? alias : id;
        suggestions = suggestions == null ? SuggestionSettings.DEFAULTS : suggestions;
    }

    public ModelDeployment(String alias, ModelIdentifier identifier, String family, Map<String, String> params,
            String id) {
        this(alias, identifier, family, params, id, SuggestionSettings.DEFAULTS);
    }

    public ModelDeployment(String alias, ModelIdentifier identifier, String family, Map<String, String> params) {
        this(alias, identifier, family, params, alias);
    }

    /** LiteLLM's {@code rpm}: requests per minute this deployment may take, or null for no limit. */
    public Integer rpm() {
        return wholeParam("rpm");
    }

    /** LiteLLM's {@code tpm}: tokens per minute this deployment may take, or null for no limit. */
    public Integer tpm() {
        return wholeParam("tpm");
    }

    /** LiteLLM's {@code order}: lower is used first; unset deployments come after every ordered one. */
    public int order() {
        Integer order = wholeParam("order");
        return order == null ? Integer.MAX_VALUE : order;
    }

    /** LiteLLM's {@code weight} for simple-shuffle, or null. */
    public Double weight() {
        String w = params.get("weight");
        return w == null || w.isBlank() ? null : Double.valueOf(w.trim());
    }

    private Integer wholeParam(String key) {
        String v = params.get(key);
        return v == null || v.isBlank() ? null : (int) Double.parseDouble(v.trim());
    }

    public String provider() {
        return identifier.provider();
    }

    public String servedName() {
        return identifier.name();
    }

    public String param(String key) {
        return params.get(key);
    }

    public String param(String key, String fallback) {
        return params.getOrDefault(key, fallback);
    }

    /** The first of several accepted spellings (LiteLLM takes vertex_project and vertex_ai_project alike). */
    public String firstParam(String... keys) {
        for (String key : keys) {
            String value = params.get(key);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "ModelDeployment[" + id + ": " + alias + " -> " + identifier + " (" + family + ")]";
    }
}
