package dev.modelgateway.provider.bedrock;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.camel.CamelExecutionException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;

/**
 * Bedrock's exceptions (from the SDK or the Camel component) as the status our client sees (contract 5.3): the
 * HTTP status and error code Bedrock sent, with Bedrock's own message. ThrottlingException and ModelNotReady (429),
 * ModelTimeout (408) and 5xx are transient, so the retrier retries them; Validation (400), AccessDenied (403) and
 * ResourceNotFound (404) are not. SDK messages name no credential values.
 */
final class BedrockErrors {

    static final String PROVIDER = "bedrock";

    private BedrockErrors() {
    }

    static GatewayException map(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof CamelExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof GatewayException ge) {
            return ge;
        }
        if (t instanceof ModelStreamErrorException mse) {
            // the model failed after the stream had started; Bedrock reports the model's own status and message
            int status = mse.originalStatusCode() == null ? 500 : mse.originalStatusCode();
            return UpstreamErrors.fromStatus(PROVIDER, status, reasonJson("ModelStreamErrorException",
                    mse.originalMessage() != null ? mse.originalMessage() : message(mse)), null);
        }
        if (t instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null ? ase.getClass().getSimpleName()
                    : ase.awsErrorDetails().errorCode();
            String retryAfter = ase.awsErrorDetails() == null || ase.awsErrorDetails().sdkHttpResponse() == null
                    ? null
                    : ase.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After").orElse(null);
            GatewayException mapped = UpstreamErrors.fromStatus(PROVIDER, ase.statusCode(),
                    reasonJson(code, message(ase)), retryAfter);
            // fromStatus invents a Retry-After when the upstream gave none; Bedrock never sends one, so keep it
            // empty and let the retrier back off with jitter (withRetryAfter adds one for the client at the end)
            return mapped.status() == 429 && retryAfter == null
                    ? new GatewayException(429, mapped.type(), mapped.getMessage(), null, null) : mapped;
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return UpstreamErrors.timeout(PROVIDER);
        }
        if (t instanceof SdkClientException sce) {
            String why = sce.getMessage() == null ? sce.getClass().getSimpleName() : sce.getMessage();
            String lower = why.toLowerCase();
            if (lower.contains("timed out") || lower.contains("timeout")) {
                return UpstreamErrors.timeout(PROVIDER);
            }
            if (lower.contains("unmarshall") || lower.contains("parse")) {
                return UpstreamErrors.garbage(PROVIDER, cut(why));
            }
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
        return new GatewayException(429, e.type(), e.getMessage(), seconds, e.getCause());
    }

    private static String message(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        String m = e.getMessage();
        int cut = m == null ? -1 : m.indexOf(" (Service:");
        return m == null ? "" : cut > 0 ? m.substring(0, cut) : m;
    }

    private static String reasonJson(String code, String message) {
        return OpenAiFormat.JSON.createObjectNode().put("message", (code == null ? "" : code + ": ") + message)
                .toString();
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
