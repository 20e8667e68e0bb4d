package dev.modelgateway.provider;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

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
 *
 * <p>Each request gets one {@link UpstreamCall} (kept across fail-over), cancelled by the whole-call deadline (the
 * request's timeout, a prompt's params.timeout if shorter), by a client that leaves or stops reading; cancelled, it
 * resets the upstream, ends retries and fail-over and answers at once (a 504, the stream's end, or nothing for a
 * client that has gone).
 */
public final class ProviderCall extends AsyncProcessorSupport {

    /** The request's {@link UpstreamCall}, on the exchange. */
    public static final String UPSTREAM_CALL = "gatewayUpstreamCall";
    /** A stream's usage ({@link Usage}), set when it ended well. */
    public static final String STREAM_USAGE = "gatewayStreamUsage";
    /** The failure ({@link GatewayException}) that ended a stream after its first byte. */
    public static final String STREAM_FAILURE = "gatewayStreamFailure";
    /** Set when the client left: there is no one to answer, so nothing is written. */
    public static final String CLIENT_GONE = "gatewayClientGone";

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCall.class);

    private final ModelProvider provider;
    private final Vertx vertx;
    private final UpstreamSettings settings;
    private final Duration idleWrite;

    public ProviderCall(ModelProvider provider, Vertx vertx, UpstreamSettings settings, Duration idleWrite) {
        this.provider = provider;
        this.vertx = vertx;
        this.settings = settings;
        this.idleWrite = idleWrite;
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
        HttpServerResponse http = exchange.getProperty(ExchangeKeys.HTTP_RESPONSE, HttpServerResponse.class);
        ModelRequest planned = exchange.getProperty(ExchangeKeys.MODEL_REQUEST, ModelRequest.class);
        String name = planned.model().provider();
        CallEvents events = CallEvents.of(exchange);
        UpstreamCall signal = signal(exchange, planned, http, name, events);
        ModelRequest request = planned.withCall(signal);
        events.attempt(request.model(), request);
        AtomicBoolean done = new AtomicBoolean();
        if (!request.stream() || http == null) {
            ModelRequest whole = request.stream() ? request.withStream(false) : request;
            CompletableFuture<ModelResponse> outcome = new CompletableFuture<>();
            Runnable unhook = signal.onCancel(outcome::completeExceptionally);
            provider.complete(whole).whenComplete((response, error) -> {
                if (error != null) {
                    outcome.completeExceptionally(error);
                } else {
                    outcome.complete(response);
                }
            });
            outcome.whenComplete((response, error) -> {
                unhook.run();
                if (error != null) {
                    exchange.setException(failed(events, plan, request, UpstreamErrors.unwrap(error, name), signal));
                } else {
                    events.answered(request.model(), request.model().servedName(), response.usage());
                    exchange.setProperty(ExchangeKeys.MODEL_RESPONSE, response);
                }
                callback.done(false);
            });
            return false;
        }
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                callback.done(false);
            }
        };
        HttpStreamWriter writer = new HttpStreamWriter(vertx, http, plan.shape().streamFormat(), idleWrite, () -> {
            exchange.setProperty(ResponseWriter.STREAMED, true);
            finish.run();
        }, () -> {
            LOG.debug("{}: the client read nothing for {}; disconnected, upstream call cancelled",
                    exchange.getProperty(ExchangeKeys.IDENTIFIER, "-", String.class), idleWrite);
            signal.cancel(new GatewayException(499, "client_closed_request", "the client stopped reading"));
        });
        StreamListener guard = new StreamListener() {
            private boolean first = true;

            @Override
            public void onText(String text) {
                writer.onText(text);
                firstByte();
            }

            private void firstByte() {
                if (first && writer.committed()) {
                    first = false;
                    events.firstByte();
                }
            }

            @Override
            public void onToolCall(int index, String id, String name, String arguments) {
                writer.onToolCall(index, id, name, arguments);
                firstByte();
            }

            @Override
            public void onComplete(String finishReason, Usage usage) {
                // reported before the writer ends the stream: its end completes the exchange (and writes the access log)
                events.answered(request.model(), request.model().servedName(), usage);
                // the router counts a stream's tokens towards the deployment's tpm when the route goes on
                exchange.setProperty(STREAM_USAGE, usage);
                writer.onComplete(finishReason, usage);
            }

            @Override
            public boolean isCancelled() {
                return writer.isCancelled() || signal.isCancelled();
            }

            @Override
            public boolean writeQueueFull() {
                return writer.writeQueueFull();
            }

            @Override
            public void onDrain(Runnable resume) {
                writer.onDrain(resume);
            }

            @Override
            public void onError(GatewayException error) {
                if (writer.committed()) {
                    events.failed(request.model(), error, false);
                    // the client had its 200: the router still counts the failure towards the cooldown
                    exchange.setProperty(STREAM_FAILURE, error);
                    writer.onError(error);
                } else if (done.compareAndSet(false, true)) {
                    exchange.setException(failed(events, plan, request, error, signal));
                    callback.done(false);
                }
            }
        };
        // a deadline ends the stream even when the provider does not notice; a client that left ends it quietly
        Runnable unhook = signal.onCancel(why -> {
            if (UpstreamCall.isClientGone(why)) {
                writer.clientGone();
            } else {
                guard.onError(why);
            }
        });
        provider.stream(request, guard).whenComplete((ok, error) -> {
            if (error != null) {
                guard.onError(UpstreamErrors.unwrap(error, name));
            }
        });
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange ignored) {
                unhook.run();
            }
        });
        return false;
    }

    /**
     * The request's cancellation signal, made by its first call: the whole-call deadline is armed, and the client's
     * connection watched; both are let go when the exchange completes.
     */
    private UpstreamCall signal(Exchange exchange, ModelRequest request, HttpServerResponse http, String name,
            CallEvents events) {
        UpstreamCall existing = exchange.getProperty(UPSTREAM_CALL, UpstreamCall.class);
        if (existing != null) {
            return existing;
        }
        Duration deadline = settings.limits(request).timeout();
        UpstreamCall signal = new UpstreamCall().reportingTo(events).until(System.nanoTime() + deadline.toNanos());
        exchange.setProperty(UPSTREAM_CALL, signal);
        // armed on the loop's own scheduler (Vert.x's setTimer also files every timer in a shared map); it fires on
        // the context, as a Vert.x timer would
        ContextInternal context = ((VertxInternal) vertx).getOrCreateContext();
        ScheduledFuture<?> timer = context.nettyEventLoop().schedule(
                () -> context.runOnContext(v -> signal.cancel(UpstreamErrors.timeout(name))),
                Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS);
        if (http != null) {
            http.closeHandler(v -> {
                if (signal.cancel(UpstreamCall.clientGone())) {
                    exchange.setProperty(CLIENT_GONE, true);
                    LOG.debug("{}: the client left; upstream call cancelled",
                            exchange.getProperty(ExchangeKeys.IDENTIFIER, "-", String.class));
                }
            });
            if (http.closed() && signal.cancel(UpstreamCall.clientGone())) {
                exchange.setProperty(CLIENT_GONE, true);
            }
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange ignored) {
                timer.cancel(false);
                signal.release();
            }
        });
        return signal;
    }

    /** Reports the failure, as the fail-over or the final error it becomes. */
    private static GatewayException failed(CallEvents events, RequestPlan plan, ModelRequest request,
            GatewayException error, UpstreamCall signal) {
        GatewayException outcome = failure(plan, error, signal);
        events.failed(request.model(), error, outcome instanceof FailoverException);
        return outcome;
    }

    /** A transient failure with deployments left becomes a fail-over, unless the request was cancelled. */
    private static GatewayException failure(RequestPlan plan, GatewayException error, UpstreamCall signal) {
        if (signal.isCancelled()) {
            return signal.reason();
        }
        return error.isTransient() && plan.hasFallback() ? new FailoverException(error) : error;
    }
}
