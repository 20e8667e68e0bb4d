package dev.modelgateway.provider.vertex;

import java.util.Locale;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.UpstreamErrors;

/**
 * Vertex's error answers ({@code {"error": {"code", "message", "status"}}}, sometimes inside a JSON array) as the
 * client's status (contract 5.3). Most go through the shared mapping, which already reads Google envelopes and
 * keeps 429 RESOURCE_EXHAUSTED retryable with its Retry-After. One case gets its own message: a model that is not
 * enabled in the project, or not served in the location, which Vertex reports as 400 FAILED_PRECONDITION, 403 or
 * 404 depending on the publisher; the client learns which model and location to fix.
 */
final class VertexErrors {

    static final String PROVIDER = "vertex_ai";
    /** What a client is told to wait after a quota 429 that outlasted our retries (Vertex quotas are per minute). */
    static final String RETRY_AFTER_SECONDS = "5";

    private static final String[] NOT_ENABLED = {"failed_precondition", "not servable", "not enabled",
            "not allowed to use publisher model", "does not have access", "publisher model", "was not found",
            "is not found"};

    private VertexErrors() {
    }

    static GatewayException fromStatus(VertexTarget target, int status, String body, String retryAfter) {
        if (status == 429) {
            // Vertex sends no Retry-After on quota errors: leave it unset so the retrier backs off exponentially
            // (the shared mapping's default of 1 s would read as the upstream's request); see surfaced()
            String reason = UpstreamErrors.reason(body);
            return new GatewayException(429, "rate_limit_error", "upstream rate limit: " + PROVIDER + " answered 429"
                    + (reason.isEmpty() ? "" : ": " + reason), retryAfter, null).withUpstreamStatus(429);
        }
        if (status == 400 || status == 403 || status == 404) {
            String reason = UpstreamErrors.reason(body);
            String lower = reason.toLowerCase(Locale.ROOT);
            for (String marker : NOT_ENABLED) {
                if (lower.contains(marker)) {
                    return new GatewayException(status == 404 ? 404 : 400, "model_not_available",
                            "Vertex AI model " + target.model() + " is not available to project " + target.project()
                                    + " in location " + target.location() + ": enable it in Model Garden or choose a "
                                    + "location that serves it (Vertex said: " + reason + ")").withUpstreamStatus(status);
                }
            }
        }
        return UpstreamErrors.fromStatus(PROVIDER, status, body, retryAfter);
    }

    /** The failure the client sees once retries are spent: a quota 429 always tells it when to come back. */
    static Throwable surfaced(Throwable error) {
        GatewayException e = UpstreamErrors.unwrap(error, PROVIDER);
        if (e.status() == 429 && e.retryAfter() == null) {
            return e.withRetryAfter(RETRY_AFTER_SECONDS);
        }
        return e;
    }
}
