package dev.modelgateway.kamelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** The kamelet catalog follows apache/camel-kamelets' rules, and its kamelets work inside the gateway. */
class KameletCatalogTest {

    static List<Path> kamelets() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("kamelet-catalog"))) {
            return files.filter(p -> p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
    }

    @Test
    void everyKameletFollowsTheCatalogRules() throws IOException {
        List<Path> files = kamelets();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String text = Files.readString(file);
            JsonNode k = new YAMLMapper().readTree(text);
            String name = k.at("/metadata/name").asText();
            String type = k.at("/metadata/labels").path("camel.apache.org/kamelet.type").asText();
            assertThat(file.getFileName().toString()).isEqualTo(name + ".kamelet.yaml");
            assertThat(type).as(name).isIn("source", "sink", "action");
            assertThat(name).as(name).endsWith("-" + type);
            assertThat(k.at("/spec/definition/title").asText()).as(name).isNotBlank();
            assertThat(k.at("/spec/definition/description").asText()).as(name).isNotBlank();
            String template = k.at("/spec/template").toString();
            k.at("/spec/definition/properties").fields().forEachRemaining(p -> {
                JsonNode prop = p.getValue();
                assertThat(prop.path("title").asText()).as(name + "." + p.getKey() + " title").isNotBlank();
                assertThat(prop.path("description").asText()).as(name + "." + p.getKey() + " description").isNotBlank();
                assertThat(prop.path("type").asText()).as(name + "." + p.getKey() + " type").isNotBlank();
                assertThat(template).as(name + "." + p.getKey() + " is used")
                        .containsAnyOf("{{" + p.getKey() + "}}", "{{?" + p.getKey() + "}}");
                if (p.getKey().toLowerCase().matches(".*(key|secret|token|password)$")) {
                    assertThat(prop.path("format").asText()).as(name + "." + p.getKey() + " is a secret")
                            .isEqualTo("password");
                }
            });
        }
    }

    @Test
    void theChatActionAsksAModelOfTheCatalogue() throws Exception {
        try (CaptureServer upstream = new CaptureServer().answerJson(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a kamelet answer\"},\"finish_reason\":\"stop\"}]}");
                GatewayTestServer gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: "
                        + "{model: hosted_vllm/served-m, api_base: \"" + upstream.baseUrl() + "/v1\"}\n", Map.of(
                        "camel.component.kamelet.location", "file:kamelet-catalog"))) {
            // a lambda, not a RouteBuilder subclass: camel-main scans this package for those
            RouteBuilder.addRoutes(gateway.context(),
                    rb -> rb.from("direct:ask").to("kamelet:model-gateway-chat-action?model=m&systemPrompt=Be brief."));
            ProducerTemplate template = gateway.context().createProducerTemplate();
            assertThat(template.requestBody("direct:ask", "What is Camel?", String.class)).isEqualTo("a kamelet answer");
            JsonNode sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(upstream.last().body());
            assertThat(sent.get("model").asText()).isEqualTo("served-m");
            assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Be brief.");
            assertThat(sent.at("/messages/1/content").asText()).isEqualTo("What is Camel?");
        }
    }

    @Test
    void theFeatureActionRunsAPromptAndACodeCompletionThroughTheEmulator() throws Exception {
        int emulator = GatewayTestServer.freePort();
        String models = """
                model_list:
                  - model_name: llama
                    litellm_params: {model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct, api_base: "http://127.0.0.1:%1$d/openai/v1"}
                  - model_name: codestral
                    litellm_params: {model: hosted_vllm/codestral-22b, api_base: "http://127.0.0.1:%1$d/openai/v1"}
                    model_info: {family: codestral}
                features:
                  chat: llama
                  code_completions: codestral
                """.formatted(emulator);
        try (GatewayTestServer gateway = GatewayTestServer.start(models, Map.of(
                "camel.component.kamelet.location", "file:kamelet-catalog", "gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulator)))) {
            RouteBuilder.addRoutes(gateway.context(), rb -> {
                rb.from("direct:explain").to("kamelet:model-gateway-feature-action?feature=prompts/chat/explain_code"
                        + "&input=selected_text");
                rb.from("direct:complete").to("kamelet:model-gateway-feature-action?feature=code_completions"
                        + "&fileName=fib.py");
            });
            ProducerTemplate template = gateway.context().createProducerTemplate();
            String explained = template.requestBodyAndHeader("direct:explain", "def fib(n): return n", "CamelFileNameOnly", "fib.py", String.class);
            assertThat(explained).startsWith(EmulatedText.LABEL).contains("Llama-3.3-70B").contains("def fib(n)");
            String completed = template.requestBody("direct:complete", "def fib(n):", String.class);
            assertThat(completed).startsWith(EmulatedText.LABEL).contains("codestral-22b");
        }
    }
}
