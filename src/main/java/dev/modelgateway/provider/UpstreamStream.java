package dev.modelgateway.provider;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;

import dev.modelgateway.api.GatewayException;

/**
 * A streamed upstream body, as a Vert.x {@link ReadStream} with the gateway's limits on it: no body byte for
 * first-token-timeout (from the request's start, then between chunks) ends it with a 504 and resets the connection;
 * a failure thrown by the consumer's handler (a line over gateway.upstream.max-event-bytes) resets it too; the
 * request's {@link UpstreamCall} resets it when cancelled. {@link #pause()} / {@link #resume()} are the back-pressure
 * of the client side (the idle clock stops while the client is the slow one) and may be called from any thread.
 * Everything else runs on the context of the upstream connection.
 */
public final class UpstreamStream implements ReadStream<Buffer> {

    private final Vertx vertx;
    private final Context context;
    private final HttpClientRequest request;
    private final long idleMillis;
    private final String provider;
    private final int maxEventBytes;
    private HttpClientResponse response;
    private Handler<Buffer> handler;
    private Handler<Throwable> errorHandler;
    private Handler<Void> endHandler;
    private GatewayException pendingFailure;
    private boolean done;
    private boolean paused;
    private long timer = -1;
    private Runnable unhook = () -> {
    };

    UpstreamStream(Vertx vertx, Context context, HttpClientRequest request, long idleMillis, String provider,
            int maxEventBytes) {
        this.vertx = vertx;
        this.context = context;
        this.request = request;
        this.idleMillis = idleMillis;
        this.provider = provider;
        this.maxEventBytes = maxEventBytes;
    }

    /** The longest SSE line or event-stream frame a decoder of this body may buffer. */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** Starts the first-token clock (at send) and ties the stream to the request's cancellation signal. */
    void start(UpstreamCall signal, Handler<GatewayException> beforeHead) {
        unhook = signal.onCancel(why -> context.runOnContext(v -> fail(why)));
        onIdle = beforeHead;
        arm();
    }

    private Handler<GatewayException> onIdle;

    /** The head arrived (2xx): body bytes wait, paused, until a handler is set and the stream resumed. */
    void attach(HttpClientResponse resp) {
        this.response = resp;
        resp.pause();
        resp.handler(this::chunk);
        // the upstream answered: a body cut off now is a broken answer (502, not retried), not an unreachable server
        resp.exceptionHandler(e -> fail(UpstreamErrors.cutOff(provider, e)));
        resp.endHandler(v -> {
            if (finish()) {
                if (endHandler != null) {
                    endHandler.handle(null);
                }
            }
        });
    }

    private void chunk(Buffer buffer) {
        if (done) {
            return;
        }
        arm();
        try {
            if (handler != null) {
                handler.handle(buffer);
            }
        } catch (GatewayException e) {
            fail(e);
        }
    }

    /** Ends the stream with an error: the connection is reset, the consumer's exception handler told once. */
    void fail(GatewayException error) {
        if (!finish()) {
            return;
        }
        request.reset(0, error);
        if (response == null) {
            onIdle.handle(error);
        } else if (errorHandler != null) {
            errorHandler.handle(error);
        } else {
            pendingFailure = error;
        }
    }

    /** Ends the stream without telling anyone (the consumer is done with it, e.g. a chunk it could not read). */
    public void abort() {
        context.runOnContext(v -> {
            if (finish()) {
                request.reset();
            }
        });
    }

    private boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        disarm();
        unhook.run();
        return true;
    }

    private void arm() {
        disarm();
        if (!done && !paused) {
            timer = vertx.setTimer(idleMillis, id -> {
                if (timer == id) {
                    fail(UpstreamErrors.timeout(provider));
                }
            });
        }
    }

    private void disarm() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    @Override
    public UpstreamStream handler(Handler<Buffer> h) {
        this.handler = h;
        return this;
    }

    @Override
    public UpstreamStream exceptionHandler(Handler<Throwable> h) {
        this.errorHandler = h;
        if (h != null && pendingFailure != null) {
            GatewayException failure = pendingFailure;
            pendingFailure = null;
            h.handle(failure);
        }
        return this;
    }

    @Override
    public UpstreamStream endHandler(Handler<Void> h) {
        this.endHandler = h;
        return this;
    }

    /** Client-side back-pressure: stop reading the upstream (its TCP window then fills and it stops sending). */
    @Override
    public UpstreamStream pause() {
        onContext(() -> {
            paused = true;
            disarm();
            response.pause();
        });
        return this;
    }

    @Override
    public UpstreamStream resume() {
        onContext(() -> {
            paused = false;
            arm();
            response.resume();
        });
        return this;
    }

    @Override
    public UpstreamStream fetch(long amount) {
        onContext(() -> response.fetch(amount));
        return this;
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
