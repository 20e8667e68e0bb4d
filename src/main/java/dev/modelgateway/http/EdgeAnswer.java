package dev.modelgateway.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Marks a request the HTTP edge answered itself, before any route saw it (the in-flight limit's 503, 404 no such
 * endpoint, 405, 413 body too large): the operations surface counts and logs these too, though no route ran.
 */
public final class EdgeAnswer {

    private static final String KEY = "gateway.edgeAnswer";

    private EdgeAnswer() {
    }

    public static void mark(RoutingContext ctx) {
        ctx.put(KEY, Boolean.TRUE);
    }

    public static boolean marked(RoutingContext ctx) {
        return ctx.get(KEY) != null;
    }
}
