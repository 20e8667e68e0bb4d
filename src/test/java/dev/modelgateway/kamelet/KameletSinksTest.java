package dev.modelgateway.kamelet;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.emulator.Emulator;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The provider sinks work in a plain Camel integration, without the gateway's server or catalogue: each answers through
 * the offline emulator, through the real clients (SigV4 via the aws-bedrock component, google-auth's token exchange).
 */
class KameletSinksTest {

    static Vertx vertx;
    static Emulator emulator;
    static CamelContext camel;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        emulator = new Emulator(vertx, "127.0.0.1", GatewayTestServer.freePort());
        emulator.start();
        base = "http://127.0.0.1:" + emulator.port();
        camel = new DefaultCamelContext();
        camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelet-catalog");
        camel.getPropertiesComponent().addInitialProperty("emulator", base);
        RouteBuilder.addRoutes(camel, rb -> {
            rb.from("direct:vertex").to("kamelet:model-gateway-vertex-sink?model=codestral@2405&project=my-project"
                    + "&region=us-central1&apiBase={{emulator}}/vertex"
                    + "&credentials=emulator/vertex-service-account.json&maxTokens=64");
            rb.from("direct:azure").to("kamelet:model-gateway-azure-openai-sink?deployment=gpt-4o"
                    + "&apiBase={{emulator}}/azure&apiVersion=2024-10-21&apiKey=emulator-key&systemPrompt=Be brief.");
            rb.from("direct:openai").to("kamelet:model-gateway-openai-compatible-sink"
                    + "?model=meta-llama/Llama-3.3-70B-Instruct&apiBase={{emulator}}/openai/v1");
            rb.from("direct:bedrock").to("kamelet:model-gateway-bedrock-sink?modelId=meta.llama3-3-70b-instruct-v1:0"
                    + "&region=us-east-1&accessKey=emulator-key&secretKey=emulator-secret"
                    + "&overrideEndpoint=true&uriEndpointOverride={{emulator}}/bedrock&maxTokens=64");
        });
        camel.start();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.stop();
        emulator.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    String ask(String route, String text) {
        ProducerTemplate template = camel.createProducerTemplate();
        return template.requestBody(route, text, String.class);
    }

    @Test
    void theVertexSinkAnswersThroughGoogleAuthAndRawPredict() {
        assertThat(ask("direct:vertex", "def fib(n):")).startsWith(EmulatedText.LABEL).contains("codestral")
                .contains("def fib(n):");
    }

    @Test
    void theAzureOpenAiSinkAnswersFromADeployment() {
        assertThat(ask("direct:azure", "What is Camel?")).startsWith(EmulatedText.LABEL).contains("What is Camel?");
    }

    @Test
    void theOpenAiCompatibleSinkAnswers() {
        assertThat(ask("direct:openai", "hello vllm")).startsWith(EmulatedText.LABEL).contains("Llama-3.3-70B")
                .contains("hello vllm");
    }

    @Test
    void theBedrockSinkAnswersThroughTheAwsBedrockComponentsConverse() {
        assertThat(ask("direct:bedrock", "hello bedrock")).startsWith(EmulatedText.LABEL).contains("hello bedrock");
    }
}
