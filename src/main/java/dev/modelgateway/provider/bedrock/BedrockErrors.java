package dev.modelgateway.provider.bedrock;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.MultiMap;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.UpstreamHttp;

/**
 * Bedrock's refusals as the status our client sees (contract 5.3), with Bedrock's error code and message: an HTTP
 * error answer ({@code x-amzn-ErrorType} and a {@code {"message"}} body), an exception frame inside a stream, or a
 * failure of the SDK's credentials providers (STS included). ThrottlingException and ModelNotReady (429),
 * ModelTimeout (408) and 5xx are transient, so the retrier retries them; Validation (400), AccessDenied (403) and
 * ResourceNotFound (404) are not. Messages name no credential values.
 */
final class BedrockErrors {

    static final String PROVIDER = "bedrock";

    /** The HTTP status Bedrock Runtime's API model gives each exception a stream can end with. */
    private static final Map<String, Integer> STREAM_EXCEPTIONS = Map.of(
            "internalserverexception", 500,
            "modelstreamerrorexception", 424,
            "validationexception", 400,
            "throttlingexception", 429,
            "modeltimeoutexception", 408,
            "serviceunavailableexception", 503);

    private BedrockErrors() {
    }

    /** Maps a refused call for {@link UpstreamHttp#openStream}: the error code is in a header. */
    static final UpstreamHttp.ErrorMapper HTTP = new UpstreamHttp.ErrorMapper() {
        @Override
        public GatewayException map(int status, String body, String retryAfter) {
            return fromHttp(status, null, body, retryAfter);
        }

        @Override
        public GatewayException map(int status, String body, MultiMap headers) {
            return fromHttp(status, headers, body, UpstreamHttp.retryAfter(headers));
        }
    };

    /** An HTTP error answer: status, {@code x-amzn-ErrorType} (code before the first ':'), {@code {"message"}}. */
    static GatewayException fromHttp(int status, MultiMap headers, String body, String retryAfter) {
        String code = headers == null ? null : headers.get("x-amzn-ErrorType");
        JsonNode json = json(body);
        if (code == null && json != null) {
            code = json.path("__type").asText(null);
        }
        if (code != null) {
            code = code.split(":", 2)[0];
            code = code.substring(code.lastIndexOf('#') + 1);
        }
        String message = json == null ? body : json.has("message") ? json.path("message").asText()
                : json.path("Message").asText(body);
        return fromStatus(status, code, message, retryAfter);
    }

    /**
     * An exception frame ({@code :exception-type}, JSON payload with {@code message}); a model's own failure
     * (modelStreamErrorException) reports the model's status and message.
     */
    static GatewayException fromExceptionFrame(String type, byte[] payload) {
        JsonNode json = json(payload == null ? "" : new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        String message = json == null ? "" : json.path("message").asText("");
        Integer status = STREAM_EXCEPTIONS.get(type == null ? "" : type.toLowerCase(Locale.ROOT));
        if ("modelstreamerrorexception".equalsIgnoreCase(type) && json != null) {
            status = json.path("originalStatusCode").isInt() ? json.path("originalStatusCode").asInt() : 500;
            message = json.path("originalMessage").asText(message);
        }
        String code = type == null ? "UnknownException" : Character.toUpperCase(type.charAt(0)) + type.substring(1);
        return fromStatus(status == null ? 500 : status, code, message, null);
    }

    private static GatewayException fromStatus(int status, String code, String message, String retryAfter) {
        GatewayException mapped = UpstreamErrors.fromStatus(PROVIDER, status, reasonJson(code, message), retryAfter);
        // fromStatus may invent a Retry-After when the upstream gave none; Bedrock never sends one, so keep it
        // empty and let the retrier back off with jitter (withRetryAfter adds one for the client at the end)
        return mapped.status() == 429 && retryAfter == null
                ? mapped.withRetryAfter(null) : mapped;
    }

    /** Any failure of a call: ours, or the SDK credentials providers' (a missing key, a refused AssumeRole). */
    static GatewayException map(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof GatewayException ge) {
            return ge;
        }
        if (t instanceof AwsServiceException ase) {
            // STS refusing the role: the provider refused the gateway's credentials, whatever its own status
            String code = ase.awsErrorDetails() == null ? ase.getClass().getSimpleName()
                    : ase.awsErrorDetails().errorCode();
            return fromStatus(ase.statusCode() == 0 ? 403 : ase.statusCode(), code, message(ase), null);
        }
        if (t instanceof SdkClientException sce) {
            String why = sce.getMessage() == null ? sce.getClass().getSimpleName() : sce.getMessage();
            return new GatewayException(503, "upstream_unavailable", "could not call " + PROVIDER + ": "
                    + cut(why), null, null);
        }
        return UpstreamErrors.unwrap(t, PROVIDER);
    }

    /** A 429 that is handed to the client carries a Retry-After, as contract 5.3 asks. */
    static GatewayException withRetryAfter(GatewayException e, String seconds) {
        if (e.status() != 429 || e.retryAfter() != null) {
            return e;
        }
        return e.withRetryAfter(seconds);
    }

    private static String message(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        String m = e.getMessage();
        int cut = m == null ? -1 : m.indexOf(" (Service:");
        return m == null ? "" : cut > 0 ? m.substring(0, cut) : m;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = OpenAiFormat.JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private static String reasonJson(String code, String message) {
        return OpenAiFormat.JSON.createObjectNode().put("message", (code == null ? "" : code + ": ")
                + (message == null ? "" : message)).toString();
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
