package dev.modelgateway.provider;

import java.time.Duration;

import dev.modelgateway.config.ModelDeployment;

/**
 * Limits for calls to model providers: retries with exponential backoff and jitter (providers.md section 6), the
 * whole-call timeout, the time allowed for the first token (and between tokens) of a stream, and how much of an
 * upstream answer is read (a whole body, one SSE line or event-stream frame). These are the defaults; a request's own
 * values come from {@link #limits(ModelRequest)}.
 */
public record UpstreamSettings(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration timeout,
        Duration firstTokenTimeout, long maxResponseBytes, int maxEventBytes) {

    /** An error body is read once, and no more of it than this: only its first few hundred characters are shown. */
    public static final int MAX_ERROR_BYTES = 64 * 1024;

    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(2, Duration.ofMillis(500),
            Duration.ofSeconds(8), Duration.ofSeconds(600), Duration.ofSeconds(60));

    public UpstreamSettings(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration timeout,
            Duration firstTokenTimeout) {
        this(maxRetries, initialBackoff, maxBackoff, timeout, firstTokenTimeout, 16L << 20, 4 << 20);
    }

    /** What one request may take: whole-call timeout, first-token (and between-token) timeout, retries. */
    public record CallLimits(Duration timeout, Duration firstTokenTimeout, int maxRetries) {
    }

    /**
     * The limits of one request: the deployment's own {@code timeout}, {@code stream_timeout} and {@code max_retries}
     * (LiteLLM's keys, in seconds) over these defaults, and a prompt's {@code params.timeout} when it is shorter.
     */
    public CallLimits limits(ModelRequest request) {
        ModelDeployment model = request.model();
        Duration whole = seconds(model == null ? null : model.param("timeout"), timeout);
        Duration first = seconds(model == null ? null : model.param("stream_timeout"), firstTokenTimeout);
        int retries = maxRetries;
        String ownRetries = model == null ? null : model.param("max_retries");
        if (ownRetries != null && !ownRetries.isBlank()) {
            // checked as a number >= 0 at load; YAML may well say 2.0
            retries = (int) Double.parseDouble(ownRetries.trim());
        }
        if (request.timeoutSeconds() != null) {
            Duration prompt = Duration.ofMillis(Math.max(1, Math.round(request.timeoutSeconds() * 1000)));
            whole = prompt.compareTo(whole) < 0 ? prompt : whole;
        }
        return new CallLimits(whole, first.compareTo(whole) < 0 ? first : whole, retries);
    }

    private static Duration seconds(String value, Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Duration.ofMillis(Math.max(1, Math.round(Double.parseDouble(value.trim()) * 1000)));
    }
}
