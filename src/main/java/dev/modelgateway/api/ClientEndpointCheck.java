package dev.modelgateway.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Wraps an endpoint step that may check a client-named model endpoint: that check resolves the endpoint's host
 * ({@link AllowedEndpoints}), and a DNS look-up may block. API routes run on the request's event loop, so such a
 * request is parsed on a Vert.x worker and the route goes on on its loop; every other request, and any caller off an
 * event loop (the queue), runs the step in place.
 */
public final class ClientEndpointCheck extends AsyncProcessorSupport {

    private static final byte[] MARK = "endpoint\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Processor step;
    private final Vertx vertx;
    private final boolean clientEndpointsAllowed;

    /** {@code clientEndpointsAllowed}: gateway.custom-models.enabled (else no request names an endpoint we call). */
    public ClientEndpointCheck(Processor step, Vertx vertx, boolean clientEndpointsAllowed) {
        this.step = step;
        this.vertx = vertx;
        this.clientEndpointsAllowed = clientEndpointsAllowed;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!clientEndpointsAllowed || !Context.isOnEventLoopThread() || !namesEndpoint(exchange)) {
            try {
                step.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }
        vertx.executeBlocking(() -> {
            step.process(exchange);
            return null;
        }, false).onComplete(done -> {
            if (done.failed()) {
                exchange.setException(done.cause());
            }
            callback.done(false);
        });
        return false;
    }

    /**
     * Whether the body may have a field named *endpoint (model_endpoint, model_metadata.endpoint): cheap, may
     * over-match. A key spelled with a unicode escape (a backslash, u and 0065 for the e of endpoint) is the same
     * field to Jackson, and no other JSON escape makes a letter, so any backslash-u in the body counts too.
     */
    static boolean namesEndpoint(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            return false;
        }
        exchange.getMessage().setBody(body);
        outer:
        for (int i = 0; i + MARK.length <= body.length; i++) {
            if (body[i] == '\\' && body[i + 1] == 'u') {
                return true;
            }
            for (int j = 0; j < MARK.length; j++) {
                if (body[i + j] != MARK[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
