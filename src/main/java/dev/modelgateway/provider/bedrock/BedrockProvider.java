package dev.modelgateway.provider.bedrock;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;

import io.vertx.core.buffer.Buffer;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.FimAsChat;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.stream.StreamListener;

/**
 * AWS Bedrock Runtime ({@code bedrock/}). Which API: {@code bedrock/invoke/<id>} and {@code bedrock/converse/<id>}
 * say it; otherwise Claude (by family or id) uses InvokeModel with the Anthropic Messages body and every other family
 * uses Converse. The id goes into the path as written (foundation id, {@code us.}/{@code eu.}/{@code apac.}/
 * {@code global.} inference profile, application inference profile ARN), encoded as the AWS SDK encodes it. Bedrock
 * has no fill-in-the-middle: such requests become a chat turn ({@link FimAsChat}).
 *
 * <p>How it is called: each request is signed with the AWS SDK's own SigV4 signer and sent on the gateway's shared
 * Vert.x client ({@link UpstreamHttp}); stream bodies are AWS event-stream frames decoded by the AWS event-stream
 * library ({@link BedrockEventStream}). So Bedrock costs no thread per call, gets the other providers' pooling,
 * deadlines, cancellation and back-pressure, and speaks HTTP/1.1 to an {@code http://} endpoint. Neither the SDK's
 * {@code BedrockRuntimeAsyncClient} (its pipeline cost about 1 ms per call here, and it sends an HTTP/2 preface to a
 * plain-HTTP endpoint) nor the Camel {@code aws-bedrock} component (its calls are synchronous: a thread held for the
 * whole generation; its streaming operations return only once the whole stream has arrived) is on the request path.
 *
 * <p>Retries (throttling, ModelNotReady, timeouts, 5xx) are the gateway's retrier, and only until the stream's first
 * text, never after it: an exception frame before any text is retried like an HTTP error.
 */
public final class BedrockProvider implements ModelProvider {

    private final UpstreamHttp http;
    private final BedrockEndpoints endpoints;

    public BedrockProvider(CamelContext camel, UpstreamHttp http) {
        this.http = http;
        this.endpoints = new BedrockEndpoints(camel);
        try {
            camel.addService(endpoints, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Bedrock endpoints could not be registered: " + e.getMessage(), e);
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

    /** One call as Bedrock takes it: the request (FIM turned into chat), API, endpoint and body, built once. */
    private record Target(ModelRequest request, Api api, BedrockEndpoint endpoint, byte[] body) {

        String url(boolean stream) {
            String op = api == Api.INVOKE ? (stream ? BedrockInvoke.STREAM_OPERATION : BedrockInvoke.OPERATION)
                    : (stream ? BedrockConverse.STREAM_OPERATION : BedrockConverse.OPERATION);
            return endpoint.url(request.model().servedName(), op);
        }

        Map<String, String> headers(boolean stream) {
            return api == Api.INVOKE ? (stream ? BedrockInvoke.STREAM_HEADERS : BedrockInvoke.HEADERS)
                    : BedrockConverse.HEADERS;
        }
    }

    private Target target(ModelRequest request) {
        ModelRequest r = FimAsChat.toChat(request);
        Api api = api(r.model());
        return new Target(r, api, endpoints.forSettings(BedrockSettings.of(r.model())),
                api == Api.INVOKE ? BedrockInvoke.body(r) : BedrockConverse.body(r));
    }

    @Override
    public CompletableFuture<ModelResponse> complete(ModelRequest request) {
        Target t;
        try {
            t = target(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(BedrockErrors.map(e));
        }
        String url = t.url(false);
        // signed per attempt: a retry carries a fresh X-Amz-Date
        Supplier<CompletableFuture<ModelResponse>> attempt = () -> t.endpoint().sign(url, t.headers(false), t.body())
                .thenCompose(headers -> http.post(request, BedrockErrors.PROVIDER, url, headers,
                        Buffer.buffer(t.body())))
                .thenApply(resp -> {
                    if (resp.status() / 100 != 2) {
                        throw BedrockErrors.fromHttp(resp.status(), resp.headers(), resp.body(),
                                UpstreamHttp.retryAfter(resp.headers()));
                    }
                    return t.api() == Api.INVOKE ? BedrockInvoke.parse(resp.body())
                            : BedrockConverse.parse(resp.body());
                });
        return finalError(http.retrier().call(BedrockErrors.PROVIDER, request, () -> mapped(attempt.get())));
    }

    /**
     * Opened as every HTTP provider opens a stream ({@link UpstreamHttp#openStream(ModelRequest, String, String, Map,
     * Buffer, UpstreamHttp.ErrorMapper)}): the request's first-token/gap clock, its cancellation signal (client gone,
     * whole-call deadline, idle-write timeout) and the client's back-pressure all act on the upstream connection.
     */
    @Override
    public CompletableFuture<Void> stream(ModelRequest request, StreamListener listener) {
        Target t;
        try {
            t = target(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(BedrockErrors.map(e));
        }
        String url = t.url(true);
        Supplier<CompletableFuture<Void>> attempt = () -> {
            // the attempt is accepted with its first text; until then any failure may still be retried
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            StreamGuard guarded = new StreamGuard(listener, () -> accepted.complete(null));
            BedrockInvoke.Stream invoke = t.api() == Api.INVOKE ? new BedrockInvoke.Stream(guarded) : null;
            BedrockConverse.Stream converse = t.api() == Api.CONVERSE ? new BedrockConverse.Stream(guarded) : null;
            t.endpoint().sign(url, t.headers(true), t.body())
                    .thenCompose(headers -> http.openStream(request, BedrockErrors.PROVIDER, url, headers,
                            Buffer.buffer(t.body()), BedrockErrors.HTTP))
                    .whenComplete((body, error) -> {
                        if (error != null) {
                            failed(accepted, guarded, BedrockErrors.map(error));
                            return;
                        }
                        BedrockEventStream.decode(body, body.maxEventBytes(), guarded,
                                invoke != null ? invoke : converse, () -> {
                                    accepted.complete(null);
                                    if (invoke != null) {
                                        invoke.ended();
                                    } else {
                                        converse.ended();
                                    }
                                }, e -> failed(accepted, guarded, e), body::abort);
                    });
            return accepted;
        };
        return finalError(http.retrier().call(BedrockErrors.PROVIDER, request, attempt));
    }

    /**
     * Before the first text the failure goes to the retrier; after, it is mid-stream (an exception frame, a stall):
     * the client's stream ends with an error event and nothing is retried.
     */
    private void failed(CompletableFuture<Void> accepted, StreamGuard guarded, GatewayException error) {
        if (accepted.completeExceptionally(error)) {
            guarded.cancel();
        } else {
            guarded.onError(finalError(error));
        }
    }

    private static <T> CompletableFuture<T> mapped(CompletableFuture<T> call) {
        return call.handle((value, error) -> {
            if (error != null) {
                throw BedrockErrors.map(error);
            }
            return value;
        });
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
        long seconds = Math.max(1, (http.settings().initialBackoff().toMillis() + 999) / 1000);
        return BedrockErrors.withRetryAfter(e, Long.toString(seconds));
    }
}
