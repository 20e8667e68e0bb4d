package org.apache.camel.component.platform.http.vertx;

import java.nio.ByteBuffer;
import java.util.List;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * Carries CAMEL-27217 (Camel 4.24) onto 4.18: delete this class and {@code dev.modelgateway.http.AsyncHttpEngine}'s
 * consumer factory when Camel is upgraded.
 * <p>
 * The stock 4.18 consumer runs the whole route with the synchronous processor inside {@code executeBlocking}, so a
 * Vert.x worker thread waits for every request until its answer is complete (a stream: until its last token). This
 * one starts the route on a worker with the asynchronous processor, as 4.24 does: the worker is free as soon as the
 * route continues on another thread (the provider call completes on an event loop), and the response is written on
 * the request's own context when the route is done. So no thread is held per request in flight. Beyond 4.24, the
 * route may also start on the request's event loop ({@code gateway.http.route-thread=event-loop}, the default): the
 * gateway's steps never block, and a request then costs no thread hand-off at all.
 * <p>
 * It lives in Camel's package because it reuses the package-private response writer and header mapping of
 * {@link VertxPlatformHttpSupport}, unchanged. Proxy endpoints keep the stock consumer; multipart and form bodies are
 * not turned into headers (the gateway's endpoints take JSON, and answer a form with a 400 either way).
 */
public class AsyncPlatformHttpConsumer extends VertxPlatformHttpConsumer {

    /** Told when an exchange is done: its answer written, or its client gone (the in-flight count). */
    public interface Tracker {
        void done(RoutingContext ctx);
    }

    private final Tracker tracker;
    private final boolean onEventLoop;
    private final String routerName;
    /** Requests this consumer took and has not answered yet, body still arriving included (live route swaps). */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * {@code onEventLoop}: start the route on the request's event loop (nothing in it may block: the gateway's own
     * steps never do); otherwise on a worker, as 4.24 does, for routes with blocking steps.
     */
    public AsyncPlatformHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor,
            List<Handler<RoutingContext>> handlers, String routerName, Tracker tracker, boolean onEventLoop) {
        super(endpoint, processor, handlers, routerName);
        this.tracker = tracker;
        this.onEventLoop = onEventLoop;
        this.routerName = routerName;
    }

    /**
     * Requests taken by this consumer and not yet answered, counted from the moment its Vert.x route handed them over
     * (before Camel's in-flight repository sees them, which is only once the body is read and a worker runs the
     * route): a live route swap removes the old route only when this is zero.
     */
    public int open() {
        return open.get();
    }

    private volatile io.vertx.ext.web.Route vertxRoute;

    @Override
    protected void doStart() throws Exception {
        // the Vert.x route the parent adds: Camel starts consumers one at a time, so it is the one that is new
        VertxPlatformHttpRouter router = router();
        java.util.Set<io.vertx.ext.web.Route> before = router == null ? java.util.Set.of()
                : java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (router != null) {
            before.addAll(router.getRoutes());
        }
        super.doStart();
        if (router != null) {
            vertxRoute = router.getRoutes().stream().filter(r -> !before.contains(r)).findFirst().orElse(null);
        }
    }

    private VertxPlatformHttpRouter router() {
        VertxPlatformHttpRouter r = VertxPlatformHttpRouter.lookup(getEndpoint().getCamelContext(), routerName);
        return r != null ? r : VertxPlatformHttpRouter.lookup(getEndpoint().getCamelContext(),
                VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME_ZERO);
    }

    /**
     * Live route swap: takes this consumer's Vert.x route off the router, so the next request for its path goes to
     * the new version of its route, registered behind it; this consumer and its route's processors keep running for
     * the requests they already took (stopping the consumer would stop the processors under them). Returns false when
     * the route is unknown (then nothing changed).
     */
    public boolean detach() {
        io.vertx.ext.web.Route r = vertxRoute;
        if (r == null) {
            return false;
        }
        r.remove();
        return true;
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        open.incrementAndGet();
        ctx.put(OPEN_KEY, Boolean.TRUE);
        if (isSuspended()) {
            closeOne(ctx);
            ctx.response().setStatusCode(503);
            ctx.end();
            return;
        }
        // the request's own context: its response is written there, whichever thread ends the route
        Context requestContext = Vertx.currentContext();
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            AsyncCallback written = doneSync -> onContext(requestContext, () -> answer(exchange, ctx));
            if (onEventLoop) {
                // the gateway's steps never block (a token refresh runs on a worker by itself): no hand-off at all
                try {
                    route(exchange, written);
                } catch (Exception e) {
                    fail(exchange, ctx, e);
                }
                return;
            }
            ctx.vertx().executeBlocking(() -> {
                route(exchange, written);
                return null;
            }, false).onFailure(e -> fail(exchange, ctx, e));
        });
    }

    /**
     * A body sent as a form (curl -d without -H) is still the body: every endpoint reads JSON whatever the
     * Content-Type says, as LiteLLM and the AI Gateway do. Vert.x keeps url-encoded bytes in the request body.
     */
    @Override
    protected io.vertx.core.Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange,
            org.apache.camel.Message message) {
        return super.populateCamelMessage(ctx, exchange, message).map(v -> {
            if (message.getBody() == null && VertxPlatformHttpSupport.isFormUrlEncoded(ctx) && ctx.body() != null
                    && ctx.body().buffer() != null) {
                message.setBody(ctx.body().buffer());
            }
            return v;
        });
    }

    private void route(Exchange exchange, AsyncCallback callback) throws Exception {
        createUoW(exchange);
        try {
            getAsyncProcessor().process(exchange, callback);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
        }
    }

    /** Runs on the request's context: at once when already there, else as a task of its loop. */
    private static void onContext(Context context, Runnable task) {
        if (context == null || context == Vertx.currentContext() && Context.isOnEventLoopThread()) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    private void answer(Exchange exchange, RoutingContext ctx) {
        // a stream already written (or its client gone): nothing left to send
        if (ctx.response().headWritten() || ctx.response().closed()) {
            complete(exchange, ctx);
            return;
        }
        // 4.18's writer pumps a byte[] through an InputStream copy (a 64 KiB buffer per answer), and sends a Buffer
        // chunked: a ByteBuffer is written in one piece with its Content-Length, as LiteLLM and nginx answer JSON
        if (exchange.getMessage().getBody() instanceof byte[] bytes) {
            exchange.getMessage().setBody(ByteBuffer.wrap(bytes));
        }
        try {
            VertxPlatformHttpSupport.writeResponse(ctx, exchange, getEndpoint().getHeaderFilterStrategy(),
                    getEndpoint().isMuteException()).onComplete(written -> {
                        if (written.succeeded()) {
                            complete(exchange, ctx);
                        } else {
                            fail(exchange, ctx, written.cause());
                        }
                    });
        } catch (RuntimeException e) {
            fail(exchange, ctx, e);
        }
    }

    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(),
                failure);
        if (!ctx.response().ended()) {
            ctx.fail(failure);
        }
        if (getEndpoint().isHandleWriteResponseError() && failure != null) {
            Exception existing = exchange.getException();
            if (existing != null) {
                failure.addSuppressed(existing);
            }
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure);
        }
        complete(exchange, ctx);
    }

    private void complete(Exchange exchange, RoutingContext ctx) {
        try {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        } finally {
            closeOne(ctx);
            tracker.done(ctx);
        }
    }

    private static final String OPEN_KEY = "gatewayConsumerOpen";

    /** Once per request, whichever way it ends. */
    private void closeOne(RoutingContext ctx) {
        if (ctx.remove(OPEN_KEY) != null) {
            open.decrementAndGet();
        }
    }
}
