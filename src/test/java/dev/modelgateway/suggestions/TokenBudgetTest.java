package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class TokenBudgetTest {

    static String numberedLines(String tag, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(tag).append(" line ").append(i).append(" = compute(").append(i).append(")\n");
        }
        return sb.toString();
    }

    @Test
    void aLongPrefixLosesItsFirstLinesAndTheSuffixItsLast() {
        String prefix = numberedLines("before", 3000) + "result = ";
        String suffix = "\n" + numberedLines("after", 3000);
        TokenBudget budget = TokenBudget.of("codestral", new SuggestionSettings(2000, null, null, Set.of()));
        TokenBudget.Fitted f = budget.fit(prefix, suffix, List.of(), 50, 64);
        int available = (int) Math.floor(2000 * 0.75) - 50 - 64;
        assertThat(f.availableTokens()).isEqualTo(available);
        assertThat(TokenCounter.count(f.prefix())).isLessThanOrEqualTo((int) Math.ceil(available * 0.93));
        assertThat(TokenCounter.count(f.suffix())).isLessThanOrEqualTo(available - (int) Math.ceil(available * 0.93));
        assertThat(f.prefix()).endsWith("before line 2999 = compute(2999)\nresult = ").doesNotContain("before line 0 ");
        assertThat(prefix).endsWith(f.prefix());
        assertThat(f.prefix()).startsWith("before line ");
        assertThat(f.suffix()).startsWith("\nafter line 0 = compute(0)\n").doesNotContain("after line 2999");
        assertThat(suffix).startsWith(f.suffix());
        assertThat(f.prefixCharsCut()).isPositive();
    }

    @Test
    void contextFillsWhatIsLeftUpToItsShareNearestFirst() {
        TokenBudget budget = TokenBudget.of("llama3", new SuggestionSettings(1000, 0.0, 0.3, Set.of()));
        ContextEntry near = new ContextEntry("file", "near.py", "def near():\n    return 1\n");
        ContextEntry big = new ContextEntry("file", "big.py", numberedLines("big", 200));
        ContextEntry far = new ContextEntry("snippet", "far.py", "FAR = 2\n");
        TokenBudget.Fitted f = budget.fit("x = ", "", List.of(near, big, far), 0, 0);
        assertThat(f.context()).containsExactly(near, far);
        assertThat(f.droppedContext()).isEqualTo(1);
        // with long code on both sides there is no room left for any of it
        TokenBudget.Fitted full = budget.fit(numberedLines("p", 500), numberedLines("s", 500), List.of(near, far),
                0, 0);
        assertThat(full.context()).isEmpty();
        assertThat(full.droppedContext()).isEqualTo(2);
    }

    @Test
    void familyDefaultsApplyWithoutMaxInputTokens() {
        assertThat(TokenBudget.of("codegemma", SuggestionSettings.DEFAULTS).maxInputTokens()).isEqualTo(8_000);
        assertThat(TokenBudget.of("qwen", null).maxInputTokens()).isEqualTo(262_000);
        assertThat(TokenBudget.of("something-new", null).maxInputTokens()).isEqualTo(200_000);
        assertThat(TokenBudget.of("gemini", null).margin()).isEqualTo(0.1);
        assertThat(TokenBudget.of("codellama", null).margin()).isEqualTo(0.25);
    }

    @Test
    void aWindowTooSmallForTheTemplateIsRefused() {
        TokenBudget budget = TokenBudget.of("general", new SuggestionSettings(100, 0.0, null, Set.of()));
        assertThatThrownBy(() -> budget.fit("a", "b", List.of(), 80, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no room");
    }

    @Test
    void settingsAreReadFromModelInfoAndBadOnesNamed() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SuggestionSettings s = SuggestionSettings.parse(json.readTree("{\"max_input_tokens\": 4096, "
                + "\"suggestions_context_share\": 0.5, \"suggestions_post_processing_exclude\": "
                + "[\"clean_model_reflection\"]}"));
        assertThat(s.maxInputTokens()).isEqualTo(4096);
        assertThat(s.contextShare()).isEqualTo(0.5);
        assertThat(s.excludedSteps()).containsExactly(PostProcessor.Step.CLEAN_MODEL_REFLECTION);
        assertThatThrownBy(() -> SuggestionSettings.parse(json.readTree(
                "{\"suggestions_post_processing_exclude\": [\"no_such_step\"]}")))
                .hasMessageContaining("no_such_step").hasMessageContaining("clean_model_reflection");
        assertThatThrownBy(() -> SuggestionSettings.parse(json.readTree("{\"max_input_tokens\": \"lots\"}")))
                .hasMessageContaining("max_input_tokens");
    }
}
