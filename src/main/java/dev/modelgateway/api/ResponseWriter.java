package dev.modelgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.modelgateway.provider.ModelResponse;

/** Writes a whole answer in the endpoint's shape. A streamed answer has already been written: nothing to do. */
public final class ResponseWriter implements Processor {

    public static final String STREAMED = "gatewayStreamed";
    /** The model group that served (set by the router; a fallback group when the one asked for failed). */
    public static final String SERVED_BY = "gatewayServedBy";
    public static final String SERVED_BY_HEADER = "x-model-gateway-model";

    @Override
    public void process(Exchange exchange) {
        if (exchange.getProperty(STREAMED, false, Boolean.class)) {
            return;
        }
        RequestPlan plan = RequestPlan.of(exchange);
        ModelResponse response = exchange.getProperty(ExchangeKeys.MODEL_RESPONSE, ModelResponse.class);
        json(exchange.getMessage(), 200, plan.shape().body(response));
        String servedBy = exchange.getProperty(SERVED_BY, String.class);
        if (servedBy != null) {
            exchange.getMessage().setHeader(SERVED_BY_HEADER, servedBy);
        }
    }

    /** Replaces the message with a JSON answer; request headers are dropped so none is echoed back. */
    static void json(Message message, int status, byte[] body) {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body);
    }
}
