package dev.modelgateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    private ModelFamily() {
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
