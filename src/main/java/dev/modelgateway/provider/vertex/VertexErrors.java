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

    private static final String[] NOT_ENABLED = {"failed_precondition", "not servable", "not enabled",
            "not allowed to use publisher model", "does not have access", "publisher model", "was not found",
            "is not found"};

    private VertexErrors() {
    }

    static GatewayException fromStatus(VertexTarget target, int status, String body, String retryAfter) {
        if (status == 400 || status == 403 || status == 404) {
            String reason = UpstreamErrors.reason(body);
            String lower = reason.toLowerCase(Locale.ROOT);
            for (String marker : NOT_ENABLED) {
                if (lower.contains(marker)) {
                    return new GatewayException(status == 404 ? 404 : 400, "model_not_available",
                            "Vertex AI model " + target.model() + " is not available to project " + target.project()
                                    + " in location " + target.location() + ": enable it in Model Garden or choose a "
                                    + "location that serves it (Vertex said: " + reason + ")");
                }
            }
        }
        return UpstreamErrors.fromStatus(PROVIDER, status, body, retryAfter);
    }
}
