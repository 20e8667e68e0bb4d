package dev.modelgateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import dev.modelgateway.support.GatewayTestServer;

/**
 * Traces through camel-opentelemetry2, into an in-memory exporter: a request span and an upstream span, both with
 * the OpenTelemetry GenAI attributes (ObservedRequestsTest proves no tracer is installed when tracing is off).
 */
class TracingTest {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT = AttributeKey.longKey("gen_ai.usage.output_tokens");

    static InMemorySpanExporter exporter = InMemorySpanExporter.create();
    static OpenTelemetrySdk otel;
    static GatewayTestServer gateway;

    @BeforeAll
    @Timeout(180)
    static void start() {
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        int emulator = GatewayTestServer.freePort();
        gateway = GatewayTestServer.startWithBeans("""
                model_list:
                  - model_name: llama
                    litellm_params:
                      model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct
                      api_base: http://127.0.0.1:%d/openai/v1
                """.formatted(emulator), Map.of("gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulator)), Map.of(Tracing.BEAN, otel));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        otel.close();
    }

    @Test
    void aRequestSpanAndAnUpstreamSpanCarryTheGenAiAttributes() {
        exporter.reset();
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getAttributes().get(SYSTEM) != null).count() >= 2);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        List<SpanData> genAi = spans.stream().filter(s -> "hosted_vllm".equals(s.getAttributes().get(SYSTEM)))
                .toList();
        SpanData request = genAi.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow(
                () -> new AssertionError("no root span with GenAI attributes in " + spans));
        SpanData upstream = genAi.stream().filter(s -> s.getParentSpanContext().isValid()).findFirst().orElseThrow(
                () -> new AssertionError("no upstream span with GenAI attributes in " + spans));
        assertThat(upstream.getTraceId()).isEqualTo(request.getTraceId());
        for (SpanData s : List.of(request, upstream)) {
            assertThat(s.getAttributes().get(REQUEST_MODEL)).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");
            assertThat(s.getAttributes().get(RESPONSE_MODEL)).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");
            assertThat(s.getAttributes().get(INPUT)).isPositive();
            assertThat(s.getAttributes().get(OUTPUT)).isPositive();
        }
        // no prompt text on any span
        assertThat(spans.toString()).doesNotContain("hello");
    }
}
