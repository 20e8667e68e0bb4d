package dev.modelgateway.provider;

import java.util.Locale;

/** Maps each provider's stop reasons onto the canonical ones: stop, length, tool_calls, content_filter, error. */
public final class FinishReasons {

    private FinishReasons() {
    }

    public static String normalize(String reason) {
        if (reason == null || reason.isBlank()) {
            return null;
        }
        return switch (reason.toLowerCase(Locale.ROOT)) {
            case "stop", "end_turn", "stop_sequence", "eos", "complete", "finish_reason_unspecified" -> "stop";
            case "length", "max_tokens", "model_length", "model_context_window_exceeded" -> "length";
            case "tool_use", "tool_calls", "function_call" -> "tool_calls";
            case "content_filter", "content_filtered", "guardrail_intervened", "safety", "recitation", "blocklist",
                    "prohibited_content", "spii", "refusal" -> "content_filter";
            case "error", "malformed_function_call" -> "error";
            default -> "stop";
        };
    }
}
