package dev.modelgateway.provider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.api.ExchangeKeys;
import dev.modelgateway.api.FailoverException;
import dev.modelgateway.api.GatewayException;
import dev.modelgateway.api.RequestPlan;
import dev.modelgateway.api.ResponseWriter;
import dev.modelgateway.stream.HttpStreamWriter;
import dev.modelgateway.stream.StreamListener;

/**
 * The Camel step that calls a provider, asynchronously: a whole answer lands in {@code gatewayModelResponse}; a stream
 * is written live to the client's HTTP response and the exchange completes when it ends. A failure before the first
 * byte fails the exchange (so the client gets a proper error status, or the next deployment of the group is tried);
 * after it, the stream ends with an error event.
 */
public final class ProviderCall extends AsyncProcessorSupport {

    private final ModelProvider provider;

    public ProviderCall(ModelProvider provider) {
        this.provider = provider;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            return call(exchange, callback);
        } catch (RuntimeException e) {
            // a failure before anything was sent: complete synchronously so the exchange never waits on it
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    private boolean call(Exchange exchange, AsyncCallback callback) {
        RequestPlan plan = RequestPlan.of(exchange);
        ModelRequest request = exchange.getProperty(ExchangeKeys.MODEL_REQUEST, ModelRequest.class);
        HttpServerResponse http = exchange.getProperty(ExchangeKeys.HTTP_RESPONSE, HttpServerResponse.class);
        String name = request.model().provider();
        CallEvents events = CallEvents.of(exchange);
        events.attempt(request.model(), request);
        if (!request.stream() || http == null) {
            ModelRequest whole = request.stream() ? request.withStream(false) : request;
            withPromptTimeout(provider.complete(whole), whole).whenComplete((response, error) -> {
                if (error != null) {
                    exchange.setException(failed(events, plan, request, UpstreamErrors.unwrap(error, name)));
                } else {
                    events.answered(request.model(), request.model().servedName(), response.usage());
                    exchange.setProperty(ExchangeKeys.MODEL_RESPONSE, response);
                }
                callback.done(false);
            });
            return false;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                callback.done(false);
            }
        };
        HttpStreamWriter writer = new HttpStreamWriter(http, plan.shape().streamFormat(), () -> {
            exchange.setProperty(ResponseWriter.STREAMED, true);
            finish.run();
        });
        StreamListener guard = new StreamListener() {
            private boolean first = true;

            @Override
            public void onText(String text) {
                writer.onText(text);
                firstByte();
            }

            @Override
            public void onToolCall(int index, String id, String name, String arguments) {
                writer.onToolCall(index, id, name, arguments);
                firstByte();
            }

            @Override
            public void onComplete(String finishReason, Usage usage) {
                writer.onComplete(finishReason, usage);
                events.answered(request.model(), request.model().servedName(), usage);
            }

            private void firstByte() {
                if (first && writer.committed()) {
                    first = false;
                    events.firstByte();
                }
            }

            @Override
            public boolean isCancelled() {
                return writer.isCancelled();
            }

            @Override
            public void onError(GatewayException error) {
                if (writer.committed()) {
                    events.failed(request.model(), error, false);
                    writer.onError(error);
                } else {
                    exchange.setException(failed(events, plan, request, error));
                    finish.run();
                }
            }
        };
        withPromptTimeout(provider.stream(request, guard), request).whenComplete((ok, error) -> {
            if (error != null) {
                guard.onError(UpstreamErrors.unwrap(error, name));
            }
        });
        return false;
    }

    /**
     * A prompt definition's {@code params.timeout} bounds the call (for a stream: until the upstream accepted it),
     * on top of gateway.upstream.timeout; past it the client gets a 504.
     */
    private static <T> CompletableFuture<T> withPromptTimeout(CompletableFuture<T> call, ModelRequest request) {
        Double seconds = request.timeoutSeconds();
        // the deployment's own LiteLLM timeout (or stream_timeout for a stream), when it is shorter
        String own = request.model().param(request.stream() ? "stream_timeout" : "timeout",
                request.model().param("timeout"));
        if (own != null && (seconds == null || Double.parseDouble(own) < seconds)) {
            seconds = Double.parseDouble(own);
        }
        return seconds == null ? call : call.orTimeout(Math.max(1, Math.round(seconds * 1000)), TimeUnit.MILLISECONDS);
    }

    /** Reports the failure, as the fail-over or the final error it becomes. */
    private static GatewayException failed(CallEvents events, RequestPlan plan, ModelRequest request,
            GatewayException error) {
        GatewayException outcome = failure(plan, error);
        events.failed(request.model(), error, outcome instanceof FailoverException);
        return outcome;
    }

    /** A transient failure with deployments left becomes a fail-over; anything else is final. */
    private static GatewayException failure(RequestPlan plan, GatewayException error) {
        return error.isTransient() && plan.hasFallback() ? new FailoverException(error) : error;
    }
}
