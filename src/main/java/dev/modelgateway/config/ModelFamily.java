package dev.modelgateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which prompt variant a served model wants, inferred from its name when models.yaml does not say. */
public final class ModelFamily {

    public static final String GENERAL = "general";

    /** Checked in order: more specific names first (codestral before mistral, codellama before llama). */
    private static final List<Map.Entry<String, String>> RULES = List.of(
            Map.entry("claude", "claude_3"),
            Map.entry("codestral", "codestral"),
            Map.entry("mixtral", "mixtral"),
            Map.entry("mistral", "mistral"),
            Map.entry("codellama", "codellama"),
            Map.entry("code-llama", "codellama"),
            Map.entry("llama", "llama3"),
            Map.entry("codegemma", "codegemma"),
            Map.entry("gemini", "gemini"),
            Map.entry("deepseek", "deepseekcoder"),
            Map.entry("qwen", "qwen"),
            Map.entry("gpt", "gpt"));

    /**
     * The families the AI Gateway knows for self-hosted models (ai_gateway/model_selection/models.yml, the
     * model_name GitLab's admin page sends): a client naming one of these gets that family's prompts.
     */
    private static final Set<String> AI_GATEWAY_FAMILIES = Set.of("codestral", "mistral", "mixtral", "llama3",
            "codellama", "codegemma", "deepseekcoder", "gpt", "claude_3", "gemini", "qwen", GENERAL);

    private ModelFamily() {
    }

    /** The family a client named (model_name, model_metadata.name) when it is one of the AI Gateway's, else null. */
    public static String named(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return AI_GATEWAY_FAMILIES.contains(n) ? n : null;
    }

    public static String infer(String servedName) {
        String name = servedName.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> rule : RULES) {
            if (name.contains(rule.getKey())) {
                return rule.getValue();
            }
        }
        return GENERAL;
    }
}
