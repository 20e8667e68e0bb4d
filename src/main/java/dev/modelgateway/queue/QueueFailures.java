package dev.modelgateway.queue;

import org.apache.camel.Exchange;

import dev.modelgateway.api.GatewayException;

/**
 * How a failed queued request ends (contract section 7): a transient failure (upstream 429/5xx, timeout) is rolled
 * back for the broker to redeliver with backoff, until the delivery that reaches max attempts, which goes to the
 * dead-letter queue; every other failure is answered like the HTTP API would answer it.
 */
public final class QueueFailures {

    /** The string property naming the endpoint, as in the HTTP path. */
    public static final String ENDPOINT = "gatewayEndpoint";
    /** The string property a dead letter carries: why it failed. */
    public static final String ERROR = "gatewayError";
    /** The exchange property the queue route copies the broker's JMSXDeliveryCount (1 on the first delivery) to. */
    public static final String DELIVERY_COUNT = "gatewayDeliveryCount";

    private final int maxAttempts;

    public QueueFailures(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** Transient, and attempts are left: roll back and let the broker redeliver. */
    public boolean redeliver(Exchange exchange) {
        GatewayException error = transientFailure(exchange);
        return error != null && deliveryCount(exchange) < maxAttempts;
    }

    /** Transient, and this was the last attempt: dead-letter it. */
    public boolean deadLetter(Exchange exchange) {
        GatewayException error = transientFailure(exchange);
        return error != null && deliveryCount(exchange) >= maxAttempts;
    }

    /** The reason a dead letter carries in gatewayError. */
    public String reason(Exchange exchange) {
        GatewayException error = transientFailure(exchange);
        String why = error == null ? String.valueOf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT))
                : error.status() + " " + error.getMessage();
        return why + " (after " + deliveryCount(exchange) + " attempts)";
    }

    private static GatewayException transientFailure(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        while (t != null && !(t instanceof GatewayException)) {
            t = t.getCause() == t ? null : t.getCause();
        }
        return t instanceof GatewayException ge && ge.isTransient() ? ge : null;
    }

    private static int deliveryCount(Exchange exchange) {
        Integer count = exchange.getProperty(DELIVERY_COUNT, Integer.class);
        return count == null ? 1 : count;
    }
}
