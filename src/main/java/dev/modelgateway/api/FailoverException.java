package dev.modelgateway.api;

/**
 * A transient upstream failure while other deployments of the model's group are still untried: deployment-failed
 * (routes/router.camel.yaml) takes its cause and lets the group-failover loop try the next deployment.
 */
public class FailoverException extends GatewayException {
    public FailoverException(GatewayException cause) {
        super(cause.status(), cause.type(), cause.getMessage(), cause.retryAfter(), cause);
    }
}
