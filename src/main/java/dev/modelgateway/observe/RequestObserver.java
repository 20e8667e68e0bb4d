package dev.modelgateway.observe;

import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.SynchronizationAdapter;

import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.api.Ids;
import dev.modelgateway.api.ResponseWriter;
import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.provider.CallEvents;
import dev.modelgateway.reload.Current;
import dev.modelgateway.router.RouterSteps;

/**
 * The first step of every API route and of the queue route (routes/errors.camel.yaml, routes/queue.camel.yaml):
 * starts the request's {@link RequestObservation}, answers {@code X-Request-Id}, and when the exchange completes (a
 * stream: when it has ended) records the metrics, the deployment's 15-minute window and the access-log line.
 */
public final class RequestObserver implements Processor {

    public static final String REQUEST_ID = "X-Request-Id";
    private static final int MAX_ID_LENGTH = 128;

    private final Current<ModelCatalog> catalog;
    private final GatewayMetrics metrics;
    private final DeploymentStats stats;
    private final AccessLog log;
    private final boolean tracing;

    public RequestObserver(Current<ModelCatalog> catalog, GatewayMetrics metrics, DeploymentStats stats, AccessLog log,
            boolean tracing) {
        this.catalog = catalog;
        this.metrics = metrics;
        this.stats = stats;
        this.log = log;
        this.tracing = tracing;
    }

    @Override
    public void process(Exchange exchange) {
        if (exchange.getProperty(CallEvents.PROPERTY) != null) {
            return;
        }
        String id = requestId(exchange.getMessage().getHeader(REQUEST_ID, String.class));
        HttpServerResponse response = exchange.getIn() instanceof HttpMessage http ? http.getResponse() : null;
        if (response != null) {
            // on the Vert.x response itself: the endpoints replace the message headers when they answer
            response.putHeader(REQUEST_ID, id);
        }
        RequestObservation o = new RequestObservation(this, catalog.get(), id, api(exchange.getFromRouteId()),
                exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class),
                tracing ? Tracing.current() : null);
        exchange.setProperty(CallEvents.PROPERTY, o);
        metrics.started();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                finish(done, o, response);
            }
        });
    }

    /** An incoming id is kept when it is short and plain (it goes into logs); anything else gets a fresh one. */
    static String requestId(String incoming) {
        if (incoming != null && !incoming.isEmpty() && incoming.length() <= MAX_ID_LENGTH) {
            boolean plain = true;
            for (int i = 0; i < incoming.length() && plain; i++) {
                char c = incoming.charAt(i);
                plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                        || c == '.' || c == ':';
            }
            if (plain) {
                return incoming;
            }
        }
        return newId();
    }

    static String newId() {
        return Ids.uuid().toString();
    }

    /** The api label: the endpoint family of the route (routes are ours, so the set is bounded). */
    static String api(String routeId) {
        if (routeId == null) {
            return "other";
        }
        // a live edit runs the new version of a route as <id>--next until the old version's streams end
        String id = routeId.endsWith("--next") ? routeId.substring(0, routeId.length() - "--next".length()) : routeId;
        return switch (id) {
            case "code-completions", "code-completions-alias" -> "code_completions";
            case "code-generations" -> "code_generations";
            case "prompts" -> "prompts";
            case "chat-completions" -> "chat_completions";
            case "completions" -> "completions";
            case "models" -> "models";
            case "queue-requests" -> "queue";
            default -> "other";
        };
    }

    /** An upstream attempt's outcome, for the counters and the deployment's state. */
    void attempt(RequestObservation o, String model, String deployment, String outcome, int status) {
        metrics.attempt(model, deployment, outcome);
        if (!Deployments.CUSTOM.equals(deployment)) {
            stats.outcome(deployment, status);
        }
    }

    private void finish(Exchange exchange, RequestObservation o, HttpServerResponse response) {
        long end = System.nanoTime();
        long duration = end - o.startNanos;
        int status = status(exchange, response);
        String model = o.model.isEmpty() ? "none" : o.model;
        String provider = o.provider.isEmpty() ? "none" : o.provider;
        metrics.finished(o.api, model, provider, status, duration);
        long ttft = o.ttftNanos();
        if (ttft >= 0) {
            metrics.firstToken(model, provider, ttft);
            if (o.outputTokens > 1) {
                metrics.perOutputToken(model, provider, (end - o.firstByteNanos) / (o.outputTokens - 1));
            }
        }
        if (o.usageReported) {
            metrics.tokens(model, provider, o.inputTokens, o.outputTokens);
        }
        if (!o.deployment.isEmpty() && !Deployments.CUSTOM.equals(o.deployment)) {
            stats.request(o.deployment, duration / 1_000_000, ttft < 0 ? -1 : ttft / 1_000_000, o.inputTokens,
                    o.outputTokens, status >= 500);
        }
        log.write(o, status, duration, ttft, exchange.getProperty(RouterSteps.FALLBACK_FROM, String.class));
    }

    private static int status(Exchange exchange, HttpServerResponse response) {
        if (exchange.getProperty(ResponseWriter.STREAMED, false, Boolean.class) && response != null) {
            return response.getStatusCode();
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code == null) {
            code = exchange.getMessage().getHeader("gatewayStatus", Integer.class);
        }
        if (code != null) {
            return code;
        }
        return exchange.isFailed() ? 500 : 200;
    }
}
