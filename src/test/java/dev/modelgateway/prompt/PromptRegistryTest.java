package dev.modelgateway.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.api.GatewayException;

class PromptRegistryTest {

    @TempDir
    Path root;

    PromptRegistry registry;

    void write(String path, String yaml) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
    }

    @BeforeEach
    void registry() throws IOException {
        write("demo/explain/base/1.0.0.yml", "name: base 1.0.0\nprompt_template:\n  user: 'base {{ code }}'\n");
        write("demo/explain/base/1.2.0.yml", "name: base 1.2.0\nprompt_template:\n  user: 'base12 {{ code }}'\n");
        write("demo/explain/base/2.0.0.yml", "name: base 2.0.0\nprompt_template:\n  user: 'base2 {{ code }}'\n");
        write("demo/explain/base/1.3.0-rc.1.yml", "name: rc\nprompt_template:\n  user: 'rc {{ code }}'\n");
        write("demo/explain/mistral/1.0.0.yml", "name: mistral\nprompt_template:\n  user: 'mistral {{ code }}'\n");
        write("demo/explain/claude_3/1.1.0.yml", """
                name: claude
                model:
                  params: {temperature: 0.3, max_tokens: 99, stop: ["</x>"]}
                params: {timeout: 12}
                inputs: [code]
                prompt_template:
                  system: "Be brief."
                  user: "<code>{{ code }}</code>"
                  assistant: "<x>"
                """);
        registry = PromptRegistry.load(root);
    }

    @Test
    void familyFallsBackAlongItsChain() {
        assertThat(registry.resolve("demo/explain", "codestral", null).family()).isEqualTo("mistral");
        assertThat(registry.resolve("demo/explain", "mixtral", null).family()).isEqualTo("mistral");
        assertThat(registry.resolve("demo/explain", "gpt", null).family()).isEqualTo("base");
        assertThat(registry.resolve("demo/explain", "claude_3", null).family()).isEqualTo("claude_3");
    }

    @Test
    void highestVersionMatchingTheConstraintWins() {
        assertThat(registry.resolve("demo/explain", "gpt", null).name()).isEqualTo("base 1.2.0");
        assertThat(registry.resolve("demo/explain", "gpt", "^2.0.0").name()).isEqualTo("base 2.0.0");
        assertThat(registry.resolve("demo/explain", "gpt", "1.0.0").name()).isEqualTo("base 1.0.0");
        assertThat(registry.resolve("demo/explain", "gpt", "~1.0").name()).isEqualTo("base 1.0.0");
    }

    @Test
    void preReleasesOnlyOnAnExactMatch() {
        assertThat(registry.resolve("demo/explain", "gpt", ">=1.2.0 <2.0.0").name()).isEqualTo("base 1.2.0");
        assertThat(registry.resolve("demo/explain", "gpt", "1.3.0-rc.1").name()).isEqualTo("rc");
    }

    @Test
    void aDefinitionInTheAiGatewayLayoutRenders() {
        PromptDefinition def = registry.resolve("demo/explain", "claude_3", null);
        RenderedPrompt p = registry.render(def, Map.of("code", "x = 1", "extra", "ignored"));
        assertThat(p.messages()).extracting(m -> m.role() + ":" + m.content())
                .containsExactly("system:Be brief.", "user:<code>x = 1</code>", "assistant:<x>");
        assertThat(p.params().temperature()).isEqualTo(0.3);
        assertThat(p.params().maxTokens()).isEqualTo(99);
        assertThat(p.params().stop()).containsExactly("</x>");
        assertThat(def.timeoutSeconds()).isEqualTo(12.0);
    }

    @Test
    void aMissingRequiredInputIsA422NamingIt() {
        PromptDefinition def = registry.resolve("demo/explain", "claude_3", null);
        assertThatThrownBy(() -> registry.render(def, Map.of()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("'code'");
    }

    @Test
    void unknownPromptsAndVersionsAre404() {
        assertThatThrownBy(() -> registry.resolve("nope", "gpt", null))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> registry.resolve("demo/explain", "gpt", "^9.0.0"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void theShippedRegistryHasEveryPromptIdWithABaseVariant() {
        PromptRegistry shipped = PromptRegistry.load(Path.of("prompts"));
        for (String id : new String[] {"code_suggestions/completions", "code_suggestions/generations",
                "chat/explain_code", "chat/write_tests", "chat/refactor_code", "generate_commit_message",
                "model_configuration/check"}) {
            assertThat(shipped.all().get(id)).as(id).containsKey("base");
        }
        assertThat(shipped.resolve("code_suggestions/completions", "codestral", null).isFim()).isTrue();
        assertThat(shipped.resolve("code_suggestions/completions", "mixtral", null).isFim()).isTrue();
        RenderedPrompt claude = shipped.render(shipped.resolve("chat/explain_code", "claude_3", null),
                Map.of("selected_text", "x = 1", "language", "python", "file_name", "a.py"));
        assertThat(claude.messages().get(1).content()).contains("<selected_code>x = 1</selected_code>");
    }

    @Test
    void aBrokenDefinitionStopsLoadingWithItsFileName() throws IOException {
        write("bad/thing/base/1.0.0.yml", "name: x\nprompt_template:\n  narrator: hi\n");
        assertThatThrownBy(() -> PromptRegistry.load(root)).isInstanceOf(PromptRegistryException.class)
                .hasMessageContaining("bad/thing/base/1.0.0.yml").hasMessageContaining("narrator");
    }
}
