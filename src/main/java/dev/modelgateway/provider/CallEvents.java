package dev.modelgateway.provider;

import org.apache.camel.Exchange;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;

/**
 * What happens to one request's upstream calls, reported from the one place every provider call passes
 * ({@link ProviderCall}, {@link Retrier}): the operations surface (metrics, access log, traces, /status) listens.
 * One instance per request, on exchange property {@link #PROPERTY}; calls may come from any thread, in order.
 */
public interface CallEvents {

    String PROPERTY = "gatewayCallEvents";

    /** Nobody listens (a request that did not come through an observed route). */
    CallEvents NONE = new CallEvents() {
    };

    static CallEvents of(Exchange exchange) {
        CallEvents events = exchange.getProperty(PROPERTY, CallEvents.class);
        return events == null ? NONE : events;
    }

    /** A deployment is about to be called (once per deployment tried; retries are reported apart). */
    default void attempt(ModelDeployment deployment, ModelRequest request) {
    }

    /** A transient failure of the deployment is being retried after a backoff. */
    default void retrying(ModelDeployment deployment, GatewayException failure) {
    }

    /** The first byte of a stream was written to the client. */
    default void firstByte() {
    }

    /** The deployment answered: a whole answer, or the end of a stream, with the provider's usage. */
    default void answered(ModelDeployment deployment, String responseModel, Usage usage) {
    }

    /** The deployment failed for good; {@code failover} when the next deployment of the group is tried. */
    default void failed(ModelDeployment deployment, GatewayException failure, boolean failover) {
    }
}
