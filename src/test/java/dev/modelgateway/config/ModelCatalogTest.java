package dev.modelgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCatalogTest {

    @TempDir
    Path dir;

    ModelCatalog load(String yaml) throws IOException {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, yaml);
        return ModelCatalog.load(file, Map.of("VLLM_KEY", "secret-value")::get);
    }

    @Test
    void proofOfConceptConfigResolvesToVertexCodestral() throws IOException {
        ModelCatalog catalog = load("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral@2405
                      vertex_ai_project: my-project
                      vertex_ai_location: us-central1
                """);
        ModelDeployment d = catalog.group("codestral").get(0);
        assertThat(d.provider()).isEqualTo("vertex_ai");
        assertThat(d.servedName()).isEqualTo("codestral@2405");
        assertThat(d.family()).isEqualTo("codestral");
        assertThat(d.firstParam("vertex_ai_project", "vertex_project")).isEqualTo("my-project");
    }

    @Test
    void shortVertexNameIsTranslatedToTheServedName() throws IOException {
        ModelCatalog catalog = load("""
                model_list:
                  - model_name: codestral
                    litellm_params: {model: vertex_ai/codestral}
                """);
        assertThat(catalog.group("codestral").get(0).servedName()).isEqualTo("codestral@2405");
        assertThat(catalog.byIdentifier("vertex_ai/codestral@2405")).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
            "vertex_ai/codestral, codestral@2405",
            "vertex_ai/claude-3-5-sonnet, claude-3-5-sonnet@20240620",
            "vertex_ai/claude-3-5-sonnet-v2, claude-3-5-sonnet-v2@20241022",
            "bedrock/claude-3-5-sonnet, anthropic.claude-3-5-sonnet-20240620-v1:0",
            "bedrock/claude-3-7-sonnet, anthropic.claude-3-7-sonnet-20250219-v1:0",
            "bedrock/mixtral-8x7b, mistral.mixtral-8x7b-instruct-v0:1",
            "bedrock/llama3-3-70b, meta.llama3-3-70b-instruct-v1:0",
            "vertex_ai/codestral@2405, codestral@2405",
            "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, us.anthropic.claude-3-5-sonnet-20241022-v2:0"})
    void translationTable(String written, String sent) {
        assertThat(NameTranslation.shipped().translate(ModelIdentifier.parse(written)).name()).isEqualTo(sent);
    }

    @Test
    void operatorsExtendTheTranslationTable() throws IOException {
        ModelCatalog catalog = load("""
                name_translations:
                  vertex_ai/my-codestral: codestral-2501
                model_list:
                  - model_name: c
                    litellm_params: {model: vertex_ai/my-codestral}
                """);
        assertThat(catalog.group("c").get(0).servedName()).isEqualTo("codestral-2501");
    }

    @ParameterizedTest
    @CsvSource({
            "claude-3-5-sonnet-v2@20241022, claude_3",
            "us.anthropic.claude-sonnet-4-20250514-v1:0, claude_3",
            "codestral@2405, codestral",
            "mistral.mixtral-8x7b-instruct-v0:1, mixtral",
            "mistral-large@2407, mistral",
            "meta.llama3-3-70b-instruct-v1:0, llama3",
            "eu.meta.llama3-2-3b-instruct-v1:0, llama3",
            "gpt-4o, gpt",
            "gemini-2.0-flash-001, gemini",
            "codegemma-7b, codegemma",
            "CodeLlama-13b-hf, codellama",
            "deepseek-coder-6.7b-base, deepseekcoder",
            "Qwen2.5-Coder-7B, qwen",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123, general",
            "starcoder2, general"})
    void familyInference(String served, String family) {
        assertThat(ModelFamily.infer(served)).isEqualTo(family);
    }

    @Test
    void modelInfoFamilyWins() throws IOException {
        ModelCatalog catalog = load("""
                model_list:
                  - model_name: llama
                    litellm_params: {model: custom_openai/meta-llama/Llama-3.3-70B-Instruct, api_base: "http://x/v1"}
                    model_info: {family: codestral}
                """);
        assertThat(catalog.group("llama").get(0).family()).isEqualTo("codestral");
    }

    @ParameterizedTest
    @CsvSource({
            "codestral-22b, custom_openai, , codestral-22b",
            "custom_openai/RedhatAI/Llama-3.3-70B-Instruct, custom_openai, , RedhatAI/Llama-3.3-70B-Instruct",
            "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0, bedrock, , us.anthropic.claude-sonnet-4-20250514-v1:0",
            "bedrock/converse/meta.llama3-3-70b-instruct-v1:0, bedrock, converse, meta.llama3-3-70b-instruct-v1:0",
            "bedrock/invoke/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc, bedrock, invoke, arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            "bedrock/arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/x1, bedrock, , arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/x1",
            "vertex_ai/meta/llama-3.3-70b-instruct-maas, vertex_ai, , meta/llama-3.3-70b-instruct-maas"})
    void identifiersSplitAtTheFirstSlash(String id, String provider, String flavour, String name) {
        ModelIdentifier parsed = ModelIdentifier.parse(id);
        assertThat(parsed.provider()).isEqualTo(provider);
        assertThat(parsed.flavour()).isEqualTo(flavour);
        assertThat(parsed.name()).isEqualTo(name);
    }

    @Test
    void secretsComeFromTheEnvironmentInBothForms() throws IOException {
        ModelCatalog catalog = load("""
                model_list:
                  - model_name: a
                    litellm_params: {model: hosted_vllm/x, api_base: "http://x/v1", api_key: os.environ/VLLM_KEY}
                  - model_name: b
                    litellm_params: {model: hosted_vllm/x, api_base: "http://x/v1", api_key: "{{env:VLLM_KEY}}"}
                """);
        assertThat(catalog.group("a").get(0).param("api_key")).isEqualTo("secret-value");
        assertThat(catalog.group("b").get(0).param("api_key")).isEqualTo("secret-value");
        assertThat(catalog.group("a").get(0).toString()).doesNotContain("secret-value");
    }

    @Test
    void entriesWithTheSameNameFormAGroupWithIdsByIndex() throws IOException {
        ModelCatalog catalog = load("""
                model_list:
                  - model_name: g
                    litellm_params: {model: hosted_vllm/one, api_base: "http://a/v1"}
                  - model_name: g
                    litellm_params: {model: hosted_vllm/two, api_base: "http://b/v1"}
                """);
        assertThat(catalog.group("g")).extracting(ModelDeployment::servedName).containsExactly("one", "two");
        assertThat(catalog.group("g")).extracting(ModelDeployment::id).containsExactly("g#0", "g#1");
    }

    @Test
    void brokenFilesNameFileEntryAndField() {
        assertThatThrownBy(() -> load("model_list:\n  - model_name: x\n    litellm_params: {api_base: y}\n"))
                .isInstanceOf(ModelCatalogException.class)
                .hasMessageContaining("models.yaml").hasMessageContaining("model_list[0] (model_name 'x')")
                .hasMessageContaining("litellm_params.model");
        assertThatThrownBy(() -> load("model_list:\n  - litellm_params: {model: a/b}\n"))
                .hasMessageContaining("model_list[0]").hasMessageContaining("model_name");
        assertThatThrownBy(() -> load("model_list:\n  - model_name: x\n    litellm_params: {model: a/b, api_key: os.environ/NOPE}\n"))
                .hasMessageContaining("litellm_params.api_key").hasMessageContaining("NOPE");
        assertThatThrownBy(() -> load("model_list:\n  - model_name: x\n    litellm_params: {model: a/b}\nfeatures: {chat: y}\n"))
                .hasMessageContaining("features.chat");
        assertThatThrownBy(() -> load("model_list: [\n")).hasMessageContaining("not valid YAML");
    }
}
