package dev.modelgateway.api;

/**
 * A transient upstream failure while other deployments of the model's group are still untried: the route's failover
 * load balancer catches this type (and only this one) and sends the request to the next deployment.
 */
public class FailoverException extends GatewayException {
    public FailoverException(GatewayException cause) {
        super(cause.status(), cause.type(), cause.getMessage(), cause.retryAfter(), cause);
    }
}
