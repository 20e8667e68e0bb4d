package dev.modelgateway.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;

/**
 * What an endpoint decided for a request: which deployments to try in order, how to build the model request for each
 * (prompts are rendered per model family), whether to stream, and how to answer.
 */
public final class RequestPlan {

    public static final String PROPERTY = "gatewayPlan";
    /** Set when the answer needs no model: invoke-model passes the request by (routes/router.camel.yaml). */
    public static final String NO_MODEL_CALL = "gatewayNoModelCall";

    private final List<ModelDeployment> candidates;
    private final Deque<ModelDeployment> remaining;
    private final Function<ModelDeployment, ModelRequest> builder;
    private final Function<ModelDeployment, ResponseShape> shape;
    private final boolean stream;
    private ModelDeployment current;
    private ResponseShape currentShape;

    private RequestPlan(List<ModelDeployment> candidates, Function<ModelDeployment, ModelRequest> builder,
            Function<ModelDeployment, ResponseShape> shape, boolean stream) {
        this.candidates = List.copyOf(candidates);
        this.remaining = new ArrayDeque<>(candidates);
        this.builder = builder;
        this.shape = shape;
        this.stream = stream;
    }

    /**
     * Records the plan on the exchange, with the HTTP response when there is one: a stream is written to it, and its
     * connection is watched so that a client that leaves cancels the upstream call.
     */
    public static void start(Exchange exchange, List<ModelDeployment> candidates,
            Function<ModelDeployment, ModelRequest> builder, Function<ModelDeployment, ResponseShape> shape,
            boolean stream) {
        exchange.setProperty(PROPERTY, new RequestPlan(candidates, builder, shape, stream));
        if (exchange.getIn() instanceof HttpMessage http) {
            exchange.setProperty(ExchangeKeys.HTTP_RESPONSE, http.getResponse());
        }
    }

    /**
     * Records an answer that needs no model call (a completion with no detectable language): the plan's first
     * deployment names the model in the answer, and the answer is written as a whole, even for a stream request.
     */
    public static void answerWithoutModel(Exchange exchange, List<ModelDeployment> candidates,
            Function<ModelDeployment, ResponseShape> shape, ModelResponse answer) {
        RequestPlan plan = new RequestPlan(candidates, model -> {
            throw new IllegalStateException("no model call was planned");
        }, shape, false);
        plan.advance();
        exchange.setProperty(PROPERTY, plan);
        exchange.setProperty(ExchangeKeys.MODEL_RESPONSE, answer);
        exchange.setProperty(NO_MODEL_CALL, true);
    }

    public static RequestPlan of(Exchange exchange) {
        RequestPlan plan = exchange.getProperty(PROPERTY, RequestPlan.class);
        if (plan == null) {
            throw new IllegalStateException("no request plan on the exchange: the route must parse the request first");
        }
        return plan;
    }

    /** Moves to the next deployment; false when none is left. */
    public boolean advance() {
        current = remaining.poll();
        currentShape = current == null ? null : shape.apply(current);
        return current != null;
    }

    /** The deployments the endpoint resolved (the model's group), before the router ordered them. */
    public List<ModelDeployment> candidates() {
        return candidates;
    }

    /** The router's decision: these deployments, in this order, are what is left to try. */
    public void reroute(List<ModelDeployment> next) {
        remaining.clear();
        remaining.addAll(next);
    }

    public boolean hasFallback() {
        return !remaining.isEmpty();
    }

    public ModelDeployment current() {
        return current;
    }

    public ModelRequest request() {
        return builder.apply(current);
    }

    public ResponseShape shape() {
        return currentShape;
    }

    public boolean stream() {
        return stream;
    }
}
