package dev.modelgateway.prompt;

import java.util.List;
import java.util.Map;

import org.semver4j.Semver;

import com.hubspot.jinjava.tree.Node;

import dev.modelgateway.provider.GenerationParams;

/**
 * One prompt definition file, {@code prompts/<prompt_id>/<family>/<version>.yml}, with its templates parsed once.
 * A definition whose templates are {@code prefix}/{@code suffix} instead of roles is a fill-in-the-middle prompt.
 */
public record PromptDefinition(String id, String family, Semver version, String name, GenerationParams params,
        Double timeoutSeconds, Map<String, Node> templates, List<String> requiredInputs, String source) {

    public static final List<String> ROLES = List.of("system", "user", "assistant");

    public boolean isFim() {
        return templates.containsKey("prefix");
    }
}
