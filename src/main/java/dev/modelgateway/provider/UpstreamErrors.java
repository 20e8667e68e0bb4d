package dev.modelgateway.provider;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.api.GatewayException;

/**
 * Turns what an upstream answered into the status our client sees (contract 5.3). Messages quote the upstream's own
 * reason (never its headers, never our credentials) and are cut short.
 */
public final class UpstreamErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 500;

    private UpstreamErrors() {
    }

    /**
     * @param retryAfter the upstream's retry-after header in seconds, or null
     */
    public static GatewayException fromStatus(String provider, int status, String body, String retryAfter) {
        return mapped(provider, status, body, retryAfter).withUpstreamStatus(status);
    }

    private static GatewayException mapped(String provider, int status, String body, String retryAfter) {
        String reason = reason(body);
        String what = provider + " answered " + status + (reason.isEmpty() ? "" : ": " + reason);
        if (status == 429) {
            // only the upstream's own Retry-After: the retrier backs off exponentially when there is none
            return new GatewayException(429, "rate_limit_error", "upstream rate limit: " + what, retryAfter, null);
        }
        if (status == 401 || status == 403) {
            return new GatewayException(502, "upstream_auth_error",
                    "the provider refused the gateway's credentials: " + what);
        }
        if (status == 408) {
            return new GatewayException(504, "timeout_error", "upstream timed out: " + what);
        }
        if (status == 400 && contentFiltered(body)) {
            return new GatewayException(400, "content_filter",
                    "the provider's content filter refused the request: " + what);
        }
        if (status == 400 || status == 413 || status == 422) {
            if (contextWindow(reason)) {
                // LiteLLM's ContextWindowExceededError: what context_window_fallbacks react to
                return new GatewayException(400, "context_window_exceeded",
                        "the prompt is longer than the model's context window: " + what);
            }
        }
        if (status >= 300 && status < 400) {
            return new GatewayException(502, "upstream_error", "the provider answered a redirect (" + status
                    + "), which the gateway does not follow");
        }
        if (status >= 400 && status < 500) {
            int mapped = status == 404 ? 404 : status == 413 ? 413 : status == 422 ? 422 : 400;
            return new GatewayException(mapped, "invalid_request_error", "upstream rejected the request: " + what);
        }
        // a 503's Retry-After (RFC 9110 10.2.3) is honoured by the retrier and passed on, like a 429's
        return new GatewayException(503, "upstream_unavailable", "upstream failed: " + what, retryAfter, null);
    }

    /** The phrases providers use for a prompt over the context window (OpenAI, Anthropic, Bedrock, Mistral, vLLM). */
    static boolean contextWindow(String reason) {
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        return r.contains("context length") || r.contains("context_length_exceeded") || r.contains("context window")
                || r.contains("prompt is too long") || r.contains("input is too long")
                || r.contains("maximum context") || r.contains("too many tokens");
    }

    /** An OpenAI-style error whose code says a content filter (Azure's content management policy) refused it. */
    static boolean contentFiltered(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return "content_filter".equals(error.path("code").asText(null))
                    || "ResponsibleAIPolicyViolation".equals(error.path("innererror").path("code").asText(null));
        } catch (Exception notJson) {
            return false;
        }
    }

    public static GatewayException garbage(String provider, String detail) {
        return new GatewayException(502, "upstream_error", provider + " answered something unreadable: " + detail);
    }

    /** A 2xx whose body broke off (reset, closed early): the model ran, so this is a 502 and never retried. */
    public static GatewayException cutOff(String provider, Throwable cause) {
        if (cause instanceof GatewayException ge) {
            return ge;
        }
        return garbage(provider, "the answer was cut off (" + cause.getClass().getSimpleName() + ")");
    }

    /** Our own limit ran out (whole call, first token, a gap between tokens): not retried, the model may be running. */
    public static GatewayException timeout(String provider) {
        return new OwnTimeout(provider + " did not answer in time");
    }

    /** An answer larger than a limit of ours; the upstream connection is reset and nothing is retried. */
    public static GatewayException tooLarge(String provider, String what, String setting, long limit) {
        return new GatewayException(502, "upstream_error", provider + " sent " + what + " larger than " + limit
                + " bytes (" + setting + ")");
    }

    /**
     * Whether a failed attempt may be tried again: nothing was answered (a connection failure, 429, a 5xx or 408
     * status before any body). Never a timeout of ours nor a bad answer: the model ran.
     */
    public static boolean retryable(GatewayException e) {
        return !(e instanceof OwnTimeout) && (e.status() == 429 || e.status() == 503 || e.status() == 504);
    }

    /** A 504 from one of the gateway's own timers. */
    static final class OwnTimeout extends GatewayException {
        OwnTimeout(String message) {
            super(504, "timeout_error", message);
        }
    }

    /** Any failure as a GatewayException; unknown ones become a 503 without internals. */
    public static GatewayException unwrap(Throwable t, String provider) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof GatewayException ge) {
            return ge;
        }
        String name = cause.getClass().getSimpleName();
        if (cause instanceof TimeoutException || name.contains("Timeout") && !name.contains("Connect")) {
            return timeout(provider);
        }
        return new GatewayException(503, "upstream_unavailable", "could not reach " + provider + " (" + name + ")",
                null, cause);
    }

    /** The human part of an error body: OpenAI, Google (plain or array-wrapped), Anthropic, Bedrock or plain text. */
    public static String reason(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isArray() && !node.isEmpty()) {
                node = node.get(0);
            }
            if (node != null && node.isObject()) {
                JsonNode error = node.get("error");
                if (error != null && error.isObject()) {
                    JsonNode message = error.get("message");
                    JsonNode status = error.get("status");
                    String text = message == null ? error.toString() : message.asText();
                    return cut(status != null && status.isTextual() ? status.asText() + ": " + text : text);
                }
                for (String key : new String[] {"message", "Message", "detail", "error"}) {
                    JsonNode v = node.get(key);
                    if (v != null && v.isValueNode()) {
                        return cut(v.asText());
                    }
                }
            }
        } catch (Exception notJson) {
            // plain text below
        }
        return cut(body.strip());
    }

    private static String cut(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
