package dev.modelgateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's router keys from models.yaml (contract 4.1): how a group's deployments are ordered, when a failing one
 * cools down, and which groups serve when a whole group failed. Per-deployment defaults (num_retries, timeout) are
 * already written into each deployment's params when the catalogue is read.
 */
public record RouterSettings(String strategy, int allowedFails, Duration cooldown,
        Map<String, List<String>> fallbacks, Map<String, List<String>> contextWindowFallbacks,
        Map<String, List<String>> contentPolicyFallbacks, Map<String, String> groupAlias) {

    public static final List<String> STRATEGIES = List.of("simple-shuffle", "least-busy", "latency-based-routing",
            "usage-based-routing", "usage-based-routing-v2");
    /** LiteLLM's defaults: allowed_fails 3, DEFAULT_COOLDOWN_TIME_SECONDS 5. */
    public static final RouterSettings DEFAULTS = new RouterSettings("simple-shuffle", 3, Duration.ofSeconds(5),
            Map.of(), Map.of(), Map.of(), Map.of());

    public RouterSettings {
        fallbacks = Map.copyOf(fallbacks);
        contextWindowFallbacks = Map.copyOf(contextWindowFallbacks);
        contentPolicyFallbacks = Map.copyOf(contentPolicyFallbacks);
        groupAlias = Map.copyOf(groupAlias);
    }

    /** Which failure asks for which fallback list. */
    public enum FailureKind { ANY, CONTEXT_WINDOW, CONTENT_POLICY }

    /** The groups to try, in order, when {@code group} failed this way (empty when none is configured). */
    public List<String> fallbacksFor(String group, FailureKind kind) {
        Map<String, List<String>> map = switch (kind) {
            case CONTEXT_WINDOW -> contextWindowFallbacks;
            case CONTENT_POLICY -> contentPolicyFallbacks;
            case ANY -> fallbacks;
        };
        return map.getOrDefault(group, List.of());
    }
}
