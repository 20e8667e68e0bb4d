package dev.modelgateway.observe;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import dev.modelgateway.http.EdgeAnswer;

/**
 * The first handler on the API router: a request the HTTP edge answers itself ({@link EdgeAnswer}: the in-flight
 * limit's 503, 404 no such endpoint, 405, 413 body too large) never reaches a route's observe-request step, so it is
 * counted in gateway_requests_total, timed and written to the access log here, with an X-Request-Id answered. Routed
 * requests only pay for one headers-end callback.
 */
public final class EdgeAnswers implements Handler<RoutingContext> {

    private final GatewayMetrics metrics;
    private final AccessLog log;

    public EdgeAnswers(GatewayMetrics metrics, AccessLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addHeadersEndHandler(v -> {
            if (EdgeAnswer.marked(ctx)) {
                answered(ctx, start);
            }
        });
        ctx.next();
    }

    private void answered(RoutingContext ctx, long start) {
        HttpServerResponse response = ctx.response();
        String id = RequestObserver.requestId(ctx.request().getHeader(RequestObserver.REQUEST_ID));
        response.putHeader(RequestObserver.REQUEST_ID, id);
        String path = ctx.request().path();
        int status = response.getStatusCode();
        long duration = System.nanoTime() - start;
        String api = api(path);
        metrics.answeredAtEdge(api, status, duration);
        log.writeEdge(System.currentTimeMillis() - duration / 1_000_000, id, api, path, status, duration);
    }

    /** The api label from the path: the endpoint families the routes serve, anything else "other" (bounded). */
    static String api(String path) {
        if (path == null) {
            return "other";
        }
        return switch (path) {
            case "/v2/code/completions", "/v2/completions" -> "code_completions";
            case "/v2/code/generations" -> "code_generations";
            case "/v1/chat/completions" -> "chat_completions";
            case "/v1/completions" -> "completions";
            case "/v1/models" -> "models";
            default -> path.startsWith("/v1/prompts/") ? "prompts" : "other";
        };
    }
}
