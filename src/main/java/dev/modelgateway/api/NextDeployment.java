package dev.modelgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.modelgateway.config.ModelDeployment;

/**
 * Takes the next deployment of the plan and builds its model request; sets {@code modelProvider}, which the
 * content-based router reads.
 */
public final class NextDeployment implements Processor {

    @Override
    public void process(Exchange exchange) {
        RequestPlan plan = RequestPlan.of(exchange);
        exchange.setProperty(ExchangeKeys.TRY_NEXT, false);
        if (!plan.advance()) {
            throw new GatewayException(503, "upstream_unavailable", "every deployment of the model failed");
        }
        ModelDeployment model = plan.current();
        exchange.setProperty(ExchangeKeys.MODEL_REQUEST, plan.request());
        exchange.setProperty(ExchangeKeys.PROVIDER, model.provider());
        exchange.setProperty(ExchangeKeys.IDENTIFIER, model.identifier().toString());
    }
}
