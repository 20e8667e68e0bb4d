package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.prompt.RenderedPrompt;
import dev.modelgateway.provider.ChatMessage;

/**
 * Golden prompts of the shipped code_suggestions/completions variants with context snippets, as they reach the model.
 * Compared with the AI Gateway's own templates (docs/code-suggestions.md says how they differ). After a deliberate
 * template change, regenerate with {@code mvn test -Dtest=CompletionPromptGoldenTest -Dgolden.update=true} and review
 * the diff.
 */
class CompletionPromptGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/prompts/code_suggestions_completions");

    static Map<String, Object> inputs() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("prefix", "from shop.cart import Cart\n\ndef checkout(cart: Cart) -> float:\n    ");
        inputs.put("suffix", "\n\ndef refund(cart: Cart) -> None:\n    pass\n");
        inputs.put("language", "python");
        inputs.put("file_name", "shop/checkout.py");
        inputs.put("context", List.of(
                Map.of("type", "file", "name", "shop/cart.py",
                        "content", "class Cart:\n    def total(self) -> float:\n        return sum(self.prices)"),
                Map.of("type", "snippet", "name", "shop/tax.py", "content", "TAX_RATE = 0.2")));
        return inputs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"codestral", "claude_3", "base"})
    void theShippedVariantRendersContextBeforeTheCode(String family) throws IOException {
        PromptRegistry registry = PromptRegistry.load(Path.of("prompts"));
        RenderedPrompt p = registry.render(registry.resolve("code_suggestions/completions", family, null), inputs());
        StringBuilder text = new StringBuilder();
        if (p.fim() != null) {
            text.append("=== prefix\n").append(p.fim().prefix()).append("\n=== suffix\n").append(p.fim().suffix());
        } else {
            for (ChatMessage m : p.messages()) {
                text.append("=== ").append(m.role()).append('\n').append(m.content()).append('\n');
            }
        }
        Path golden = GOLDEN.resolve(family + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, text.toString());
        }
        assertThat(text.toString()).isEqualTo(Files.readString(golden));
        assertThat(text.toString()).contains("shop/cart.py", "return sum(self.prices)", "TAX_RATE = 0.2");
        // the snippets come before the code around the cursor
        assertThat(text.indexOf("TAX_RATE")).isLessThan(text.indexOf("def checkout"));
    }
}
