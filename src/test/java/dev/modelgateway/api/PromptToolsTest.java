package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.prompt.PromptDefinition;
import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.prompt.PromptRegistryException;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ModelRequest;

/** A prompt definition may declare the tools it offers; a request's own tools win; a malformed list stops loading. */
class PromptToolsTest {

    static final String DEFINITION = """
            name: Weather
            prompt_template:
              user: "Weather in {{ city }}?"
            tools:
              - type: function
                function:
                  name: get_weather
                  parameters: {type: object, properties: {city: {type: string}}}
            """;

    static ModelDeployment model() {
        return new ModelDeployment("claude", ModelIdentifier.parse("vertex_ai/claude-3-5-sonnet-v2@20241022"),
                "claude_3", Map.of());
    }

    static ModelRequest render(PromptDefinition def) {
        return ModelRequest.chat(model(), List.of(new ChatMessage("user", "Weather in Paris?")), null, false);
    }

    @Test
    void aDefinitionsToolsAreOfferedWhenTheRequestBringsNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weather/base/1.0.0.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, DEFINITION);
        PromptDefinition def = PromptRegistry.load(dir).resolve("weather", "claude_3", null);
        assertThat(def.tools()).hasSize(1);

        ModelRequest offered = OpenAiChat.PromptTools.apply(null, def, PromptToolsTest::render);
        assertThat(offered.options().tools()).extracting(t -> t.name()).containsExactly("get_weather");

        OpenAiChat.PromptTools own = OpenAiChat.PromptTools.of(new ObjectMapper().readTree(
                "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}]"), null);
        assertThat(OpenAiChat.PromptTools.apply(own, def, PromptToolsTest::render).options().tools())
                .extracting(t -> t.name()).containsExactly("lookup");
    }

    @Test
    void aDefinitionWithMalformedToolsDoesNotLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weather/base/1.0.0.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, DEFINITION.replace("type: function", "type: retrieval"));
        assertThatThrownBy(() -> PromptRegistry.load(dir)).isInstanceOf(PromptRegistryException.class)
                .hasMessageContaining("tools[0]");
    }
}
