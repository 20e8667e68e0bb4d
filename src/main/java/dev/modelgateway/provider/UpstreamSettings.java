package dev.modelgateway.provider;

import java.time.Duration;

/**
 * Limits for calls to model providers: retries with exponential backoff and jitter (providers.md section 6), the
 * whole-call timeout and the time allowed for the first token (and between tokens) of a stream.
 */
public record UpstreamSettings(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration timeout,
        Duration firstTokenTimeout) {

    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(2, Duration.ofMillis(500),
            Duration.ofSeconds(8), Duration.ofSeconds(600), Duration.ofSeconds(60));
}
