package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.reload.Current;

/**
 * Models GitLab names itself (contract 5.4, issue 14 item 5): the family it gives is kept when it is one of the AI
 * Gateway's; a Bedrock or Vertex AI identifier without an endpoint is served with the gateway's own credentials.
 */
class ClientNamedModelsTest {

    static ModelCatalog catalog;

    @BeforeAll
    static void load() throws Exception {
        Path file = Files.createTempFile("models-", ".yaml");
        Files.writeString(file, """
                model_list:
                  - model_name: claude
                    litellm_params:
                      model: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0
                      aws_region_name: eu-west-1
                      aws_role_name: arn:aws:iam::123456789012:role/gateway
                      rpm: 10
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral@2405
                      vertex_ai_project: my-project
                      vertex_ai_location: europe-west4
                """);
        catalog = ModelCatalog.load(file, name -> null);
    }

    static ModelResolver resolver(boolean customModels) {
        return new ModelResolver(Current.of(catalog), customModels, List.of("http://127.0.0.1:8000/"));
    }

    @Test
    void aBedrockModelWithoutEndpointBorrowsTheGatewaysBedrockSettingsNeverTheClients() {
        List<ModelDeployment> d = resolver(true).forRequest("bedrock/mistral.mistral-large-2407-v1:0", "mistral",
                "http://attacker.example/", "client-key", "code_completions");
        assertThat(d).hasSize(1);
        ModelDeployment model = d.get(0);
        assertThat(model.provider()).isEqualTo("bedrock");
        assertThat(model.servedName()).isEqualTo("mistral.mistral-large-2407-v1:0");
        assertThat(model.family()).isEqualTo("mistral");
        assertThat(model.params()).containsEntry("aws_region_name", "eu-west-1")
                .containsEntry("aws_role_name", "arn:aws:iam::123456789012:role/gateway")
                .doesNotContainKeys("api_base", "api_key", "rpm")
                .doesNotContainValue("http://attacker.example/").doesNotContainValue("client-key");
    }

    @Test
    void aVertexModelBorrowsTheGatewaysProjectAndLocation() {
        ModelDeployment model = resolver(true).forRequest("vertex_ai/mistral-large@2407", "general", null, null,
                "chat").get(0);
        assertThat(model.params()).containsEntry("vertex_ai_project", "my-project")
                .containsEntry("vertex_ai_location", "europe-west4");
        assertThat(model.family()).isEqualTo("general");
    }

    @Test
    void aCloudModelModelsYamlHasKeepsItsSettingsAndOthersNeedCustomModels() {
        ModelDeployment known = resolver(false).forRequest("bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
                "claude_3", null, null, "chat").get(0);
        assertThat(known.alias()).isEqualTo("claude");
        assertThatThrownBy(() -> resolver(false).forRequest("bedrock/mistral.mistral-large-2407-v1:0", "mistral",
                null, null, "chat")).isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void theFamilyGitLabGivesPicksThePromptVariantUnlessItIsNotOneOfTheAiGateways() {
        ModelResolver r = resolver(true);
        assertThat(r.forRequest("custom_openai/served-22b", "codestral", "http://127.0.0.1:8000/v1", null,
                "code_completions").get(0).family()).isEqualTo("codestral");
        // not an AI Gateway family: the family comes from the served name, as without model_name
        assertThat(r.forRequest("custom_openai/llama-3-70b", "my-favourite", "http://127.0.0.1:8000/v1", null,
                "code_completions").get(0).family()).isEqualTo("llama3");
    }
}
