package dev.modelgateway.api;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * GET /monitoring/ready, the AI Gateway's readiness probe (ai_gateway/api/monitoring.py): 200 like /monitoring/healthz
 * once Camel's readiness checks are all UP (the context, the routes, and whatever the gateway registers), else 503
 * naming the checks that are not.
 */
public final class Readiness implements Processor {

    @Override
    public void process(Exchange exchange) {
        List<String> down = HealthCheckHelper.invokeReadiness(exchange.getContext()).stream()
                .filter(r -> r.getState() != HealthCheck.State.UP)
                .map(r -> r.getCheck().getId() + " " + r.getState())
                .toList();
        byte[] body = down.isEmpty() ? Json.write(Map.of("status", "ok"))
                : Json.write(Map.of("status", "unavailable", "detail", "not ready: " + String.join(", ", down)));
        ResponseWriter.json(exchange.getMessage(), down.isEmpty() ? 200 : 503, body);
    }
}
