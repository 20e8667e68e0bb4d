package dev.modelgateway.config;

import java.util.Map;

/**
 * One entry of models.yaml's model_list: the alias clients use, the translated identifier, the prompt family and the
 * provider settings (secrets already resolved). {@link #toString()} never shows the settings.
 */
public record ModelDeployment(String alias, ModelIdentifier identifier, String family, Map<String, String> params) {

    public ModelDeployment {
        params = Map.copyOf(params);
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
        return "ModelDeployment[" + alias + " -> " + identifier + " (" + family + ")]";
    }
}
