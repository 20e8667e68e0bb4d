package dev.modelgateway.router;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.api.ExchangeKeys;
import dev.modelgateway.api.FailoverException;
import dev.modelgateway.api.GatewayException;
import dev.modelgateway.api.RequestPlan;
import dev.modelgateway.api.ResponseWriter;
import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.RouterSettings;
import dev.modelgateway.config.RouterSettings.FailureKind;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.ProviderCall;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.reload.Current;

/**
 * The router's steps in routes/router.camel.yaml: order the group by the routing strategy (once per request), admit
 * each deployment before it is called (rpm/tpm, cooldown), and record each outcome (latency, tokens, failures that
 * count towards allowed_fails), moving on to the fallback groups when the whole group failed.
 */
public final class RouterSteps {

    private static final String SERVED_BY_HEADER = ResponseWriter.SERVED_BY_HEADER;
    private static final String SERVED_BY = ResponseWriter.SERVED_BY;
    /** The id ({@code model_info.id}) of the deployment being tried. */
    public static final String DEPLOYMENT = "gatewayDeployment";
    /** The group the request named, when a fallback group served it. */
    public static final String FALLBACK_FROM = "gatewayFallbackFrom";

    private static final Logger LOG = LoggerFactory.getLogger(RouterSteps.class);
    private static final String ROUTING = "gatewayRouting";

    private final DeploymentRouter router;
    private final Current<ModelCatalog> catalog;

    public RouterSteps(DeploymentRouter router, Current<ModelCatalog> catalog) {
        this.router = router;
        this.catalog = catalog;
    }

    /** Per request: the catalogue read once, the group asked for, the fallback groups already used. */
    private static final class Routing {
        final ModelCatalog catalog;
        final String origin;
        final Set<String> tried = new LinkedHashSet<>();
        ModelDeployment admitted;
        long startedAt;

        Routing(ModelCatalog catalog, String origin) {
            this.catalog = catalog;
            this.origin = origin;
            tried.add(origin);
        }
    }

    /** routing-strategy: the usable deployments of the group in the strategy's order, else a fallback group. */
    public Processor strategy() {
        return exchange -> {
            RequestPlan plan = RequestPlan.of(exchange);
            List<ModelDeployment> group = plan.candidates();
            String name = group.get(0).alias();
            Routing routing = new Routing(catalog.get(), name);
            exchange.setProperty(ROUTING, routing);
            exchange.setProperty(ExchangeKeys.TRY_NEXT, true);
            List<ModelDeployment> ordered = router.order(group, routing.catalog.router());
            if (!ordered.isEmpty()) {
                plan.reroute(ordered);
                return;
            }
            GatewayException why = router.unavailable(name, group);
            if (!nextFallback(exchange, routing, plan, FailureKind.ANY)) {
                throw why;
            }
            LOG.info("model '{}' has no usable deployment ({}): falling back to '{}'", name, why.getMessage(),
                    plan.candidates().isEmpty() ? "-" : exchange.getProperty(SERVED_BY));
        };
    }

    /** admit-deployment: takes one request of the deployment's rpm; one that cools down or is at limit is skipped. */
    public Processor admit() {
        return exchange -> {
            RequestPlan plan = RequestPlan.of(exchange);
            Routing routing = exchange.getProperty(ROUTING, Routing.class);
            ModelDeployment d = plan.current();
            long now = router.now();
            DeploymentState state = router.state();
            routing.admitted = null;
            if (state.coolingUntil(d.id(), now) > 0 || !state.tryTake(d.id(), d.rpm(), d.tpm(), now)) {
                // another request put it into cooldown or used up its minute since the group was ordered
                throw router.unavailable(d.alias(), List.of(d));
            }
            state.started(d.id());
            routing.admitted = d;
            routing.startedAt = now;
            exchange.setProperty(DEPLOYMENT, d.id());
            exchange.setProperty(SERVED_BY, d.alias());
            if (!d.alias().equals(routing.origin)) {
                exchange.setProperty(FALLBACK_FROM, routing.origin);
            }
            HttpServerResponse http = exchange.getProperty(ExchangeKeys.HTTP_RESPONSE, HttpServerResponse.class);
            if (plan.stream() && http != null && !http.headWritten()) {
                http.putHeader(SERVED_BY_HEADER, d.alias());
            }
        };
    }

    /**
     * deployment-succeeded: latency and tokens (a whole answer's, or a stream's at its end) for the strategies and the
     * tpm limit. A stream that failed after its first byte counts as a failure, as it does before it.
     */
    public Processor succeeded() {
        return exchange -> {
            Routing routing = exchange.getProperty(ROUTING, Routing.class);
            ModelDeployment d = routing.admitted;
            long now = router.now();
            ModelResponse response = exchange.getProperty(ExchangeKeys.MODEL_RESPONSE, ModelResponse.class);
            Usage usage = response != null ? response.usage()
                    : exchange.getProperty(ProviderCall.STREAM_USAGE, Usage.class);
            long tokens = usage == null ? 0 : usage.totalTokens();
            router.state().ended(d.id());
            GatewayException broke = exchange.getProperty(ProviderCall.STREAM_FAILURE, GatewayException.class);
            if (broke != null) {
                routing.admitted = null;
                countFailure(d, broke, routing.catalog.router());
                return;
            }
            router.state().succeeded(d.id(), now - routing.startedAt, tokens, now);
        };
    }

    /** A failure of a 429 or 5xx kind counts towards allowed_fails, as LiteLLM's cooldown does. */
    private void countFailure(ModelDeployment d, GatewayException error, RouterSettings settings) {
        if ((error.status() == 429 || error.status() >= 500) && error.status() != 499
                && router.state().failed(d.id(), settings.allowedFails(), settings.cooldown(), router.now())) {
            LOG.warn("deployment {} of model '{}' cools down for {} s: more than {} failures this minute "
                    + "(last: {} {})", d.id(), d.alias(), settings.cooldown().toSeconds(),
                    settings.allowedFails(), error.status(), error.getMessage());
        }
    }

    /**
     * deployment-failed: counts the failure (429 and 5xx, as LiteLLM's cooldown does), then fails over to the rest of
     * the group, or, once the group is used up, to its fallback groups for this kind of failure (by setting
     * {@link ExchangeKeys#TRY_NEXT} for the group-failover loop); else the failure stands.
     */
    public Processor failed() {
        return exchange -> {
            Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            RequestPlan plan = RequestPlan.of(exchange);
            Routing routing = exchange.getProperty(ROUTING, Routing.class);
            GatewayException error = unwrap(caught);
            if (error == null) {
                throw caught;
            }
            RouterSettings settings = routing.catalog.router();
            ModelDeployment d = routing.admitted;
            if (d != null) {
                routing.admitted = null;
                router.state().ended(d.id());
                countFailure(d, error, settings);
            }
            FailureKind kind = "context_window_exceeded".equals(error.type()) ? FailureKind.CONTEXT_WINDOW
                    : "content_filter".equals(error.type()) ? FailureKind.CONTENT_POLICY : FailureKind.ANY;
            boolean groupMayHelp = kind == FailureKind.ANY && (error.isTransient() || error.status() >= 500)
                    && error.status() != 499;
            if (groupMayHelp && plan.hasFallback()) {
                exchange.setProperty(ExchangeKeys.TRY_NEXT, true);
                return;
            }
            if ((groupMayHelp || kind != FailureKind.ANY) && nextFallback(exchange, routing, plan, kind)) {
                LOG.info("model '{}' failed ({} {}): falling back to '{}'", routing.origin, error.status(),
                        error.getMessage(), plan.candidates().isEmpty() ? "-" : exchange.getProperty(SERVED_BY));
                exchange.setProperty(ExchangeKeys.TRY_NEXT, true);
                return;
            }
            throw error;
        };
    }

    /** Points the plan at the first fallback group (of the group asked for) that has a usable deployment. */
    private boolean nextFallback(Exchange exchange, Routing routing, RequestPlan plan, FailureKind kind) {
        for (String group : routing.catalog.router().fallbacksFor(routing.origin, kind)) {
            if (!routing.tried.add(group)) {
                continue;
            }
            List<ModelDeployment> ordered = router.order(routing.catalog.group(group), routing.catalog.router());
            if (!ordered.isEmpty()) {
                plan.reroute(ordered);
                exchange.setProperty(SERVED_BY, group);
                return true;
            }
        }
        return false;
    }

    private static GatewayException unwrap(Throwable t) {
        while (t != null && !(t instanceof GatewayException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof FailoverException f && f.getCause() instanceof GatewayException original) {
            return original;
        }
        return t instanceof GatewayException ge ? ge : null;
    }
}
