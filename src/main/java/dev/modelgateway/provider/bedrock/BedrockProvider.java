package dev.modelgateway.provider.bedrock;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockConstants;

import io.vertx.core.Vertx;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.FimAsChat;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Retrier;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.UpstreamSettings;
import dev.modelgateway.stream.StreamListener;

/**
 * AWS Bedrock Runtime ({@code bedrock/}). Which API: {@code bedrock/invoke/<id>} and {@code bedrock/converse/<id>}
 * say it; otherwise Claude (by family or id) uses InvokeModel with the Anthropic Messages body and every other family
 * uses Converse. The id goes to the SDK as written (foundation id, {@code us.}/{@code eu.}/{@code apac.}/
 * {@code global.} inference profile, application inference profile ARN); the SDK encodes it into the path and signs
 * the request with SigV4. Bedrock has no fill-in-the-middle: such requests become a chat turn ({@link FimAsChat}).
 *
 * <p>Which client serves which call ({@link BedrockClients} holds both, on one credentials/endpoint configuration):
 * <ul>
 * <li>unary Converse: the Camel {@code aws-bedrock} component, operation {@code converse} with a
 * {@link ConverseRequest} POJO built here, because it accepts any model id and returns text, stop reason and usage;
 * the component is synchronous, so it runs on a Vert.x worker thread;</li>
 * <li>unary InvokeModel (Claude): the SDK async client, because the component's {@code invokeTextModel} parses the
 * answer by a hard-coded list of model ids (no inference profiles, no ARNs, no newer Claude ids);</li>
 * <li>streams (invoke-with-response-stream, converse-stream): the SDK async client with a response handler, because
 * the component's streaming operations return only once the whole stream has arrived.</li>
 * </ul>
 * Retries (throttling, ModelNotReady, timeouts, 5xx) are the gateway's {@link Retrier}, and only until the stream's
 * first text, never after it: an exception frame before any text is retried like an HTTP error.
 */
public final class BedrockProvider implements ModelProvider {

    private final Vertx vertx;
    private final Retrier retrier;
    private final UpstreamSettings upstream;
    private final BedrockClients clients;

    public BedrockProvider(CamelContext camel, Vertx vertx, UpstreamSettings upstream) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.retrier = new Retrier(vertx, upstream);
        this.clients = new BedrockClients(camel, upstream, vertx.nettyEventLoopGroup());
        try {
            camel.addService(clients, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Bedrock clients could not be registered: " + e.getMessage(), e);
        }
    }

    enum Api { INVOKE, CONVERSE }

    /** InvokeModel only for Claude (the only native body mapped here), Converse for everything else. */
    static Api api(ModelDeployment model) {
        boolean claude = isClaude(model);
        if ("converse".equals(model.identifier().flavour())) {
            return Api.CONVERSE;
        }
        if ("invoke".equals(model.identifier().flavour()) || claude) {
            if (!claude) {
                throw new GatewayException(400, "invalid_request_error", "model '" + model.alias() + "': InvokeModel "
                        + "is mapped for Anthropic Claude only; use bedrock/converse/" + model.servedName());
            }
            return Api.INVOKE;
        }
        return Api.CONVERSE;
    }

    /** An ARN says nothing about the model behind it, so the family (model_info.family) decides as well. */
    private static boolean isClaude(ModelDeployment model) {
        String id = model.servedName().toLowerCase(Locale.ROOT);
        return id.contains("anthropic.") || id.contains("claude")
                || model.family() != null && model.family().startsWith("claude");
    }

    /** A request as Bedrock takes it (FIM turned into chat), the API, the id as written and the clients to use. */
    private record Target(ModelRequest request, Api api, String modelId, BedrockClients.Clients clients) {
    }

    private Target target(ModelRequest request) {
        ModelRequest r = FimAsChat.toChat(request);
        return new Target(r, api(r.model()), r.model().servedName(),
                clients.forSettings(BedrockSettings.of(r.model())));
    }

    @Override
    public CompletableFuture<ModelResponse> complete(ModelRequest request) {
        Target t;
        try {
            t = target(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(BedrockErrors.map(e));
        }
        ModelRequest r = t.request();
        String modelId = t.modelId();
        BedrockClients.Clients c = t.clients();
        Api api = t.api();
        Supplier<CompletableFuture<ModelResponse>> attempt = api == Api.INVOKE
                ? () -> c.async().invokeModel(BedrockInvoke.request(r, modelId).toBuilder()
                        .overrideConfiguration(timeout(r)).build())
                        .thenApply(BedrockInvoke::parse)
                        .handle(BedrockProvider::mapFailure)
                : () -> converseViaComponent(c, BedrockConverse.request(r, modelId).toBuilder()
                        .overrideConfiguration(timeout(r)).build());
        return finalError(retrier.call(BedrockErrors.PROVIDER, attempt));
    }

    /** The aws-bedrock component's converse operation, run on a worker thread because it blocks. */
    private CompletableFuture<ModelResponse> converseViaComponent(BedrockClients.Clients c, ConverseRequest request) {
        return vertx.<ModelResponse>executeBlocking(() -> {
            Exchange exchange = c.converse().getEndpoint().createExchange();
            exchange.getMessage().setBody(request);
            try {
                c.converse().process(exchange);
            } catch (Exception e) {
                throw BedrockErrors.map(e);
            }
            if (exchange.getException() != null) {
                throw BedrockErrors.map(exchange.getException());
            }
            return BedrockConverse.response(exchange.getMessage().getBody(),
                    exchange.getMessage().getHeader(BedrockConstants.CONVERSE_STOP_REASON, String.class),
                    exchange.getMessage().getHeader(BedrockConstants.CONVERSE_USAGE, TokenUsage.class),
                    exchange.getMessage().getHeader(BedrockConstants.CONVERSE_OUTPUT_MESSAGE, Message.class));
        }, false).toCompletionStage().toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> stream(ModelRequest request, StreamListener listener) {
        Target t;
        try {
            t = target(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(BedrockErrors.map(e));
        }
        ModelRequest r = t.request();
        String modelId = t.modelId();
        BedrockClients.Clients c = t.clients();
        Api api = t.api();
        Supplier<CompletableFuture<Void>> attempt = () -> {
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            CompletableFuture<CompletableFuture<Void>> call = new CompletableFuture<>();
            StreamWatchdog guarded = new StreamWatchdog(vertx, upstream.firstTokenTimeout(), listener,
                    () -> accepted.complete(null), dog -> {
                failed(accepted, dog, UpstreamErrors.timeout(BedrockErrors.PROVIDER));
                call.thenAccept(whole -> whole.cancel(true));
            }, () -> call.thenAccept(whole -> whole.cancel(true)));
            CompletableFuture<Void> whole;
            Runnable ended;
            if (api == Api.INVOKE) {
                BedrockInvoke.Stream s = new BedrockInvoke.Stream(guarded);
                whole = c.async().invokeModelWithResponseStream(BedrockInvoke.streamRequest(r, modelId).toBuilder()
                        .overrideConfiguration(timeout(r)).build(), s.handler());
                ended = s::ended;
            } else {
                BedrockConverse.Stream s = new BedrockConverse.Stream(guarded);
                whole = c.async().converseStream(BedrockConverse.streamRequest(r, modelId).toBuilder()
                        .overrideConfiguration(timeout(r)).build(), s.handler());
                ended = s::ended;
            }
            call.complete(whole);
            whole.whenComplete((ok, error) -> {
                if (error == null) {
                    accepted.complete(null);
                    ended.run();
                } else {
                    failed(accepted, guarded, BedrockErrors.map(error));
                }
            });
            return accepted;
        };
        return finalError(retrier.call(BedrockErrors.PROVIDER, attempt));
    }

    /**
     * Before the first text the failure goes to the retrier; after, it is mid-stream (an exception frame, a stall):
     * the client's stream ends with an error event and nothing is retried.
     */
    private void failed(CompletableFuture<Void> accepted, StreamWatchdog guarded, GatewayException error) {
        if (accepted.completeExceptionally(error)) {
            guarded.cancel();
        } else {
            guarded.onError(finalError(error));
        }
    }

    private AwsRequestOverrideConfiguration timeout(ModelRequest r) {
        Duration limit = r.timeoutSeconds() == null ? upstream.timeout()
                : Duration.ofMillis(Math.round(r.timeoutSeconds() * 1000));
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(limit).build();
    }

    private static <T> T mapFailure(T value, Throwable error) {
        if (error != null) {
            throw BedrockErrors.map(error);
        }
        return value;
    }

    /** Once retries are spent, a 429 still needs a Retry-After for the client (Bedrock sends none). */
    private <T> CompletableFuture<T> finalError(CompletableFuture<T> call) {
        return call.handle((value, error) -> {
            if (error != null) {
                throw finalError(BedrockErrors.map(error));
            }
            return value;
        });
    }

    private GatewayException finalError(GatewayException e) {
        long seconds = Math.max(1, (upstream.initialBackoff().toMillis() + 999) / 1000);
        return BedrockErrors.withRetryAfter(e, Long.toString(seconds));
    }
}
