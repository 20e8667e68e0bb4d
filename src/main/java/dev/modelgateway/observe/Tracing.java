package dev.modelgateway.observe;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.Usage;

/**
 * Traces through camel-opentelemetry2, only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (or a test binds an
 * {@code OpenTelemetry} bean named {@value #BEAN}): Camel makes a span per route and endpoint, so a request has its
 * span and each upstream attempt (the provider route) its own; this class adds the GenAI attributes to them. Unset,
 * nothing is installed: no tracer, no exporter, nothing on the hot path.
 */
public final class Tracing {

    public static final String BEAN = "openTelemetry";
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

    private Tracing() {
    }

    /** Installs the tracer when asked to; true when tracing is on. */
    public static boolean install(CamelContext context, Map<String, String> env) {
        OpenTelemetry otel = context.getRegistry().lookupByNameAndType(BEAN, OpenTelemetry.class);
        String endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (otel == null && (endpoint == null || endpoint.isBlank())) {
            return false;
        }
        if (otel == null) {
            // the OTEL_* variables configure the exporter (protocol, headers, service name ...), as in any OTel SDK
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> Map.of("otel.service.name", "model-gateway",
                            "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                    .disableShutdownHook().build().getOpenTelemetrySdk();
            // flushed and closed once Camel has stopped
            context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(
                    c -> sdk.close())));
            otel = sdk;
            LOG.info("tracing: spans exported over OTLP to {}", endpoint);
        }
        context.getRegistry().bind("gatewayTracer", Tracer.class, otel.getTracer("model-gateway"));
        context.getRegistry().bind("gatewayPropagators", ContextPropagators.class, otel.getPropagators());
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setCamelContext(context);
        // the health and management routes are not requests
        tracer.setExcludePatterns("platform-http:/monitoring/*");
        tracer.init(context);
        return true;
    }

    static Span current() {
        return Span.current();
    }

    static void requestAttributes(Span span, ModelDeployment d, ModelRequest request) {
        span.setAttribute("gen_ai.system", d.provider());
        span.setAttribute("gen_ai.request.model", d.servedName());
        span.setAttribute("gen_ai.operation.name", request.isFim() ? "text_completion" : "chat");
    }

    static void responseAttributes(Span span, String responseModel, Usage usage) {
        if (span == null) {
            return;
        }
        span.setAttribute("gen_ai.response.model", responseModel);
        if (usage != null) {
            span.setAttribute("gen_ai.usage.input_tokens", usage.promptTokens());
            span.setAttribute("gen_ai.usage.output_tokens", usage.completionTokens());
        }
    }

    static void failed(Span span, GatewayException failure) {
        span.setStatus(StatusCode.ERROR, failure.status() + " " + failure.type());
        span.setAttribute("error.type", String.valueOf(failure.status()));
    }
}
