package dev.modelgateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.provider.openai.OpenAiCompatibleProvider;

/**
 * A provider called outside a route (the provider sink kamelet) has no deadline armed by ProviderCall: the wait for
 * the answer's head is still bounded by the deployment's timeout, not left open for good.
 */
class CallWithoutDeadlineTest {

    @Test
    void anUpstreamThatNeverAnswersEndsAtTheDeploymentsTimeout() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // takes the request and never answers
            HttpServer silent = vertx.createHttpServer().requestHandler(req -> { })
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider(new UpstreamHttp(vertx,
                    UpstreamSettings.DEFAULTS));
            ModelDeployment model = new ModelDeployment("silent", ModelIdentifier.parse("hosted_vllm/silent"), "llama",
                    Map.of("api_base", "http://127.0.0.1:" + silent.actualPort() + "/v1", "timeout", "0.5",
                            "max_retries", "0"));
            ModelRequest request = ModelRequest.chat(model, List.of(new ChatMessage("user", "hi")),
                    GenerationParams.DEFAULTS, false);
            assertThat(request.call().hasDeadline()).isFalse();
            CompletableFuture<ModelResponse> answer = provider.complete(request);
            long start = System.nanoTime();
            assertThat(answer).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(9_000);
        } finally {
            vertx.close();
        }
    }
}
