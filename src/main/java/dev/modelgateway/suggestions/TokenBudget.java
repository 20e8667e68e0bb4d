package dev.modelgateway.suggestions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The AI Gateway's prompt budget for code suggestions (code_suggestions/processing/pre/prefix_based.py): of the
 * tokens a deployment accepts, less a safety margin, the prompt template and the answer's max_tokens, 7% is kept for
 * the suffix and the rest for the prefix; the prefix loses its first lines and the suffix its last ones. What the
 * code leaves, up to a share of the budget, goes to the editor's context[] entries, nearest (first) first.
 */
public record TokenBudget(int maxInputTokens, double margin, double contextShare) {

    /** The AI Gateway's CodeCompletions.SUFFIX_RESERVED_PERCENT. */
    public static final double SUFFIX_SHARE = 0.07;
    /** The AI Gateway caps context at 30% of the budget for the providers it caps (model_metadata.py). */
    public static final double DEFAULT_CONTEXT_SHARE = 0.3;
    /** Tokens a context entry costs beyond its name and content: the marker lines the templates wrap it in. */
    static final int ENTRY_OVERHEAD = 8;

    /** The family's context window when model_info.max_input_tokens is absent (the AI Gateway's table). */
    static final Map<String, Integer> FAMILY_WINDOW = Map.ofEntries(Map.entry("claude_3", 200_000),
            Map.entry("codestral", 128_000), Map.entry("mistral", 128_000), Map.entry("mixtral", 32_000),
            Map.entry("llama3", 128_000), Map.entry("codellama", 16_000), Map.entry("codegemma", 8_000),
            Map.entry("deepseekcoder", 16_000), Map.entry("gemini", 1_000_000), Map.entry("qwen", 262_000),
            Map.entry("gpt", 128_000), Map.entry("general", 200_000));

    /**
     * Counting is done with cl100k_base for every family; families whose tokenizers have a 32k vocabulary (Llama 2
     * style SentencePiece: CodeLlama, Mixtral, Mistral 7B, Codestral 22B, DeepSeek Coder) or an unknown one cut code
     * into up to ~30% more tokens, Claude's into ~15-20% more, so their margins are wider.
     */
    static final Map<String, Double> FAMILY_MARGIN = Map.ofEntries(Map.entry("codellama", 0.25),
            Map.entry("mixtral", 0.25), Map.entry("mistral", 0.25), Map.entry("codestral", 0.25),
            Map.entry("deepseekcoder", 0.25), Map.entry("general", 0.25), Map.entry("claude_3", 0.2));
    static final double DEFAULT_MARGIN = 0.1;

    public static TokenBudget of(String family, SuggestionSettings settings) {
        SuggestionSettings s = settings == null ? SuggestionSettings.DEFAULTS : settings;
        int window = s.maxInputTokens() != null ? s.maxInputTokens()
                : FAMILY_WINDOW.getOrDefault(family, FAMILY_WINDOW.get("general"));
        double margin = s.tokenMargin() != null ? s.tokenMargin() : FAMILY_MARGIN.getOrDefault(family, DEFAULT_MARGIN);
        double share = s.contextShare() != null ? s.contextShare() : DEFAULT_CONTEXT_SHARE;
        return new TokenBudget(window, margin, share);
    }

    /** What is left for code and context once the margin, the template and the answer are set aside. */
    public int available(int templateTokens, int maxOutputTokens) {
        return (int) Math.floor(maxInputTokens * (1 - margin)) - templateTokens - Math.max(0, maxOutputTokens);
    }

    /**
     * Fits the code around the cursor and the context entries into the budget.
     *
     * @throws IllegalArgumentException when the template and max_tokens alone do not fit the window
     */
    public Fitted fit(String prefix, String suffix, List<ContextEntry> context, int templateTokens,
            int maxOutputTokens) {
        int available = available(templateTokens, maxOutputTokens);
        if (available <= 0) {
            throw new IllegalArgumentException("the model's window of " + maxInputTokens + " input tokens (less a "
                    + Math.round(margin * 100) + "% margin) has no room left after the prompt template ("
                    + templateTokens + " tokens) and max_tokens (" + maxOutputTokens + ")");
        }
        int prefixMax = (int) Math.ceil((1 - SUFFIX_SHARE) * available);
        int suffixMax = available - prefixMax;
        String p = TokenCounter.keepEnd(prefix, prefixMax);
        String s = TokenCounter.keepStart(suffix, suffixMax);
        int used = TokenCounter.count(p) + TokenCounter.count(s);
        int room = (int) Math.floor(Math.min(available - used, available * contextShare));
        List<ContextEntry> kept = new ArrayList<>();
        int dropped = 0;
        for (ContextEntry entry : context == null ? List.<ContextEntry>of() : context) {
            int cost = TokenCounter.count(entry.name()) + TokenCounter.count(entry.content()) + ENTRY_OVERHEAD;
            if (cost <= room) {
                kept.add(entry);
                room -= cost;
            } else {
                dropped++;
            }
        }
        return new Fitted(p, s, List.copyOf(kept), dropped, prefix.length() - p.length(),
                suffix.length() - s.length(), available);
    }

    /**
     * The fitted inputs: the prefix and suffix as sent, the context entries kept (in the order given), how many were
     * dropped, and how many characters were cut from the prefix's start and the suffix's end.
     */
    public record Fitted(String prefix, String suffix, List<ContextEntry> context, int droppedContext,
            int prefixCharsCut, int suffixCharsCut, int availableTokens) {
    }
}
