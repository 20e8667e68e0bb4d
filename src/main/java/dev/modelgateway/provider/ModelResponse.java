package dev.modelgateway.provider;

/** A whole answer, normalised: text, canonical finish reason (providers.md section 5) and usage. */
public record ModelResponse(String text, String finishReason, Usage usage) {
}
