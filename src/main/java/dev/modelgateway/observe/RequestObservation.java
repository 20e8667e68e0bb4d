package dev.modelgateway.observe;

import org.apache.camel.Exchange;

import io.opentelemetry.api.trace.Span;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.CallEvents;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.Usage;

/**
 * One request, seen from the operations surface: when it arrived, which deployments it tried, when its first byte
 * left, what the provider reported as usage. It holds no prompt or completion text. Fed by {@link CallEvents} from the
 * provider call, finished once when the exchange completes ({@link RequestObserver}).
 */
final class RequestObservation implements CallEvents {

    final long startNanos = System.nanoTime();
    final long startMillis = System.currentTimeMillis();
    final String requestId;
    final String api;
    final String path;
    private final ModelCatalog catalog;
    private final RequestObserver observer;
    private final Span requestSpan;

    volatile String model = "";
    volatile String provider = "";
    volatile String deployment = "";
    volatile long firstByteNanos;
    volatile int inputTokens;
    volatile int outputTokens;
    volatile boolean usageReported;
    volatile int attempts;
    private volatile Span upstreamSpan;

    RequestObservation(RequestObserver observer, ModelCatalog catalog, String requestId, String api, String path,
            Span requestSpan) {
        this.observer = observer;
        this.catalog = catalog;
        this.requestId = requestId;
        this.api = api;
        this.path = path;
        this.requestSpan = requestSpan;
    }

    static RequestObservation of(Exchange exchange) {
        return exchange.getProperty(CallEvents.PROPERTY, CallEvents.NONE, CallEvents.class)
                instanceof RequestObservation o ? o : null;
    }

    @Override
    public void attempt(ModelDeployment d, ModelRequest request) {
        attempts++;
        model = Deployments.alias(catalog, d);
        deployment = Deployments.id(catalog, d);
        provider = d.provider();
        if (requestSpan != null) {
            // the provider route's span is current while its first step runs: it is this attempt's upstream span
            Span upstream = Span.current();
            upstreamSpan = upstream;
            Tracing.requestAttributes(upstream, d, request);
            Tracing.requestAttributes(requestSpan, d, request);
        }
    }

    @Override
    public void retrying(ModelDeployment d, GatewayException failure) {
        attempts++;
        observer.attempt(this, Deployments.alias(catalog, d), Deployments.id(catalog, d), "retry", failure.status());
    }

    @Override
    public void firstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    @Override
    public void answered(ModelDeployment d, String responseModel, Usage usage) {
        if (usage != null) {
            inputTokens = usage.promptTokens();
            outputTokens = usage.completionTokens();
            usageReported = true;
        }
        observer.attempt(this, model, deployment, "ok", 200);
        if (requestSpan != null) {
            Tracing.responseAttributes(upstreamSpan, responseModel, usage);
            Tracing.responseAttributes(requestSpan, responseModel, usage);
        }
    }

    @Override
    public void failed(ModelDeployment d, GatewayException failure, boolean failover) {
        observer.attempt(this, model, deployment, failover ? "failover" : "error", failure.status());
        if (upstreamSpan != null) {
            Tracing.failed(upstreamSpan, failure);
        }
    }

    long ttftNanos() {
        long first = firstByteNanos;
        return first == 0 ? -1 : first - startNanos;
    }
}
