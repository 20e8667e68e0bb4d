package dev.modelgateway.api;

/** The three API families of contract section 5; each has its own error and response shapes. */
public enum ApiFamily {
    /** GitLab AI Gateway code endpoints: errors are {"detail": ...}. */
    AI_GATEWAY,
    /** /v1/prompts/{id}: AI Gateway shapes too. */
    PROMPTS,
    /** OpenAI-compatible endpoints: errors are {"error": {"message", "type", "code"}}. */
    OPENAI;

    public static ApiFamily forPath(String path) {
        if (path != null && (path.startsWith("/v1/chat") || path.startsWith("/v1/completions")
                || path.startsWith("/v1/models"))) {
            return OPENAI;
        }
        return path != null && path.startsWith("/v1/prompts") ? PROMPTS : AI_GATEWAY;
    }
}
