package dev.modelgateway.prompt;

import java.util.List;
import java.util.Map;

import org.semver4j.Semver;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.tree.Node;

import dev.modelgateway.provider.GenerationParams;

/**
 * One prompt definition file, {@code prompts/<prompt_id>/<family>/<version>.yml}, with its templates parsed once.
 * A definition whose templates are {@code prefix}/{@code suffix} instead of roles is a fill-in-the-middle prompt.
 * {@code tools} are the functions the prompt offers the model (OpenAI's {@code tools} shape), or null.
 */
public record PromptDefinition(String id, String family, Semver version, String name, GenerationParams params,
        Double timeoutSeconds, Map<String, Node> templates, List<String> requiredInputs, String source,
        JsonNode tools) {

    public PromptDefinition(String id, String family, Semver version, String name, GenerationParams params,
            Double timeoutSeconds, Map<String, Node> templates, List<String> requiredInputs, String source) {
        this(id, family, version, name, params, timeoutSeconds, templates, requiredInputs, source, null);
    }

    public static final List<String> ROLES = List.of("system", "user", "assistant");

    public boolean isFim() {
        return templates.containsKey("prefix");
    }
}
