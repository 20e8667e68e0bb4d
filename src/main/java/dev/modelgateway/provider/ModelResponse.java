package dev.modelgateway.provider;

import java.util.List;

/**
 * A whole answer, normalised: text, canonical finish reason (providers.md section 5), usage, and the tool calls the
 * model asked for (null when none).
 */
public record ModelResponse(String text, String finishReason, Usage usage, List<ToolCall> toolCalls) {

    public ModelResponse {
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    }

    public ModelResponse(String text, String finishReason, Usage usage) {
        this(text, finishReason, usage, null);
    }
}
