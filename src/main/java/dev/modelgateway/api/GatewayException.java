package dev.modelgateway.api;

/**
 * A failure with the HTTP status and message the client should see (contract 5.3). The message is shown to
 * clients as is, so it must never carry a secret or a stack trace.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String type;
    private final String retryAfter;
    private final Integer upstreamStatus;

    public GatewayException(int status, String type, String message) {
        this(status, type, message, null, null);
    }

    public GatewayException(int status, String type, String message, String retryAfter, Throwable cause) {
        this(status, type, message, retryAfter, cause, null);
    }

    private GatewayException(int status, String type, String message, String retryAfter, Throwable cause,
            Integer upstreamStatus) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
        this.upstreamStatus = upstreamStatus;
    }

    /** The same failure, marked as the model's own error with the status its server answered. */
    public GatewayException withUpstreamStatus(int upstream) {
        return new GatewayException(status, type, getMessage(), retryAfter, getCause(), upstream);
    }

    /** The same failure with another Retry-After (null: none). */
    public GatewayException withRetryAfter(String seconds) {
        return new GatewayException(status, type, getMessage(), seconds, getCause(), upstreamStatus);
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, "invalid_request_error", message);
    }

    public static GatewayException unprocessable(String message) {
        return new GatewayException(422, "invalid_request_error", message);
    }

    public static GatewayException notFound(String message) {
        return new GatewayException(404, "not_found_error", message);
    }

    public static GatewayException forbidden(String message) {
        return new GatewayException(403, "permission_error", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Seconds (or an HTTP date) the client should wait, passed through from the upstream's 429; may be null. */
    public String retryAfter() {
        return retryAfter;
    }

    /**
     * The HTTP status the model's server answered, when this failure is its answer (null for our own failures,
     * timeouts and unreachable servers): /v1/prompts reports it as the AI Gateway does, 421 "status: reason".
     */
    public Integer upstreamStatus() {
        return upstreamStatus;
    }

    /**
     * Whether a fail-over to another deployment (or a queue redelivery) may succeed (provider.md section 6). Not a
     * 502 for an answer that turned out bad: the model ran, and another run would bill again.
     */
    public boolean isTransient() {
        return status == 429 || status == 503 || status == 504;
    }
}
