package dev.modelgateway.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The series of contract section 10, in the registry Camel's micrometer-prometheus scrapes on /observe/metrics. Meters
 * are looked up once per label set and kept (a map hit per request, not a registry lookup); every label value comes
 * from models.yaml or from the gateway itself, so the number of series is bounded.
 */
public final class GatewayMetrics {

    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
    private static final Duration[] PER_TOKEN_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private record RequestKey(String api, String model, String provider, String status) {
    }

    private record ApiKey(String api, String model, String provider) {
    }

    private record ModelKey(String model, String provider) {
    }

    private record AttemptKey(String model, String deployment, String outcome) {
    }

    private final MeterRegistry registry;
    private final DeploymentStats stats;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<ApiKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<ModelKey, Timer> ttft = new ConcurrentHashMap<>();
    private final Map<ModelKey, Timer> perToken = new ConcurrentHashMap<>();
    private final Map<ModelKey, Counter[]> tokens = new ConcurrentHashMap<>();
    private final Map<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();
    private final Set<String> stateGauges = ConcurrentHashMap.newKeySet();

    public GatewayMetrics(MeterRegistry registry, DeploymentStats stats) {
        this.registry = registry;
        this.stats = stats;
        Gauge.builder("gateway.in.flight.requests", inFlight, AtomicInteger::get)
                .description("Requests being served now (HTTP and queue)").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished(String api, String model, String provider, int status, long durationNanos) {
        inFlight.decrementAndGet();
        count(api, model, provider, status, durationNanos);
    }

    /** A request the HTTP edge answered before any route ran (404, 405, 413, the in-flight limit's 503). */
    void answeredAtEdge(String api, int status, long durationNanos) {
        count(api, "none", "none", status, durationNanos);
    }

    private void count(String api, String model, String provider, int status, long durationNanos) {
        requests.computeIfAbsent(new RequestKey(api, model, provider, String.valueOf(status)),
                k -> Counter.builder("gateway.requests").description("Requests answered, by API, model and status")
                        .tags("api", k.api, "model", k.model, "provider", k.provider, "status", k.status)
                        .register(registry)).increment();
        durations.computeIfAbsent(new ApiKey(api, model, provider),
                k -> Timer.builder("gateway.request.duration")
                        .description("Whole request, gateway included (a stream: until its end)")
                        .tags("api", k.api, "model", k.model, "provider", k.provider)
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    void firstToken(String model, String provider, long nanos) {
        ttft.computeIfAbsent(new ModelKey(model, provider),
                k -> Timer.builder("gateway.time.to.first.token")
                        .description("Streams: from the request's arrival to the first byte written to the client")
                        .tags("model", k.model, "provider", k.provider)
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void perOutputToken(String model, String provider, long nanos) {
        perToken.computeIfAbsent(new ModelKey(model, provider),
                k -> Timer.builder("gateway.time.per.output.token")
                        .description("Streams: time after the first token divided by the output tokens after it")
                        .tags("model", k.model, "provider", k.provider)
                        .serviceLevelObjectives(PER_TOKEN_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void tokens(String model, String provider, int input, int output) {
        Counter[] pair = tokens.computeIfAbsent(new ModelKey(model, provider), k -> new Counter[] {
            tokenCounter(k, "input"), tokenCounter(k, "output")});
        if (input > 0) {
            pair[0].increment(input);
        }
        if (output > 0) {
            pair[1].increment(output);
        }
    }

    private Counter tokenCounter(ModelKey k, String direction) {
        return Counter.builder("gateway.tokens").description("Tokens as the provider's usage reported them")
                .tags("model", k.model, "provider", k.provider, "direction", direction).register(registry);
    }

    /** An upstream attempt's outcome: ok, retry, failover or error. */
    void attempt(String model, String deployment, String outcome) {
        attempts.computeIfAbsent(new AttemptKey(model, deployment, outcome),
                k -> Counter.builder("gateway.upstream.attempts").description("Upstream calls by outcome")
                        .tags("model", k.model, "deployment", k.deployment, "outcome", k.outcome)
                        .register(registry)).increment();
        deploymentState(model, deployment);
    }

    /** gateway_deployment_state{model, deployment, state}: 1 for the deployment's current state, 0 for the others. */
    public void deploymentState(String model, String deployment) {
        if (Deployments.CUSTOM.equals(deployment) || !stateGauges.add(deployment)) {
            return;
        }
        for (String state : DeploymentStats.STATES) {
            Gauge.builder("gateway.deployment.state", stats, s -> state.equals(s.state(deployment)) ? 1 : 0)
                    .description("1 for the deployment's current state")
                    .tags("model", model, "deployment", deployment, "state", state).register(registry);
        }
    }
}
