package dev.modelgateway.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.component.platform.http.vertx.AsyncPlatformHttpConsumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.modelgateway.api.ApiFamily;
import dev.modelgateway.api.ErrorBodies;
import dev.modelgateway.api.GatewayException;

/**
 * gateway.http.max-in-flight: requests on the API port at once, counted from arrival until the answer is written (a
 * stream: until its end) or the client has gone. Beyond the limit a request is answered 503 with Retry-After and the
 * endpoint's JSON error at once, before its body is read; nothing queues.
 */
public final class InFlightLimit implements AsyncPlatformHttpConsumer.Tracker {

    /** Seconds a refused client is told to wait. */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final String SLOT = "gateway.inFlightSlot";

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public InFlightLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("gateway.http.max-in-flight must be at least 1, not " + max);
        }
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Requests in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** First handler of every request on the API router, after the edge observer (observe.EdgeAnswers). */
    void install(Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            refuse(ctx);
            return;
        }
        AtomicBoolean slot = new AtomicBoolean(true);
        ctx.put(SLOT, slot);
        // answers that never reach a route (404, 405, 413, a client gone while sending) free the slot here
        ctx.addEndHandler(ended -> release(slot));
        ctx.next();
    }

    /** The exchange is done: its answer is written, or its client has gone. */
    @Override
    public void done(RoutingContext ctx) {
        AtomicBoolean slot = ctx.get(SLOT);
        if (slot != null) {
            release(slot);
        }
    }

    private void release(AtomicBoolean slot) {
        if (slot.compareAndSet(true, false)) {
            inFlight.decrementAndGet();
        }
    }

    private void refuse(RoutingContext ctx) {
        String path = ctx.request().path();
        GatewayException error = new GatewayException(503, "overloaded_error", "the gateway has " + max
                + " requests in flight (gateway.http.max-in-flight); retry after " + RETRY_AFTER_SECONDS + " s");
        EdgeAnswer.mark(ctx);
        // the unread body stays on the connection: close it once answered
        ctx.response().setStatusCode(503)
                .putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", RETRY_AFTER_SECONDS)
                .putHeader("Connection", "close")
                .end(Buffer.buffer(ErrorBodies.body(ApiFamily.forPath(path), error)));
    }
}
