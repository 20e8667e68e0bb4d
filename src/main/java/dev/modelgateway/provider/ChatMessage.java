package dev.modelgateway.provider;

import java.util.List;

/**
 * One turn of a conversation, already rendered: role is system, user, assistant or tool. {@code content} is the turn's
 * text (never null); {@code parts} keeps text and images in order when a user turn carries images; an assistant turn
 * may carry {@code toolCalls}; a tool turn answers the call named by {@code toolCallId}.
 */
public record ChatMessage(String role, String content, List<ContentPart> parts, List<ToolCall> toolCalls,
        String toolCallId) {

    public ChatMessage {
        content = content == null ? "" : content;
        parts = parts == null || parts.isEmpty() ? null : List.copyOf(parts);
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, null, null, null);
    }

    public static ChatMessage toolResult(String toolCallId, String content) {
        return new ChatMessage("tool", content, null, null, toolCallId);
    }

    /** True when this turn is plain text (no images, no tool calls, not a tool result). */
    public boolean isPlainText() {
        return parts == null && toolCalls == null && toolCallId == null;
    }

    public boolean hasImages() {
        return parts != null && parts.stream().anyMatch(p -> p.image() != null);
    }

    /** The parts to write: the given ones, or the text as one part. */
    public List<ContentPart> partsOrText() {
        return parts != null ? parts : content.isEmpty() ? List.of() : List.of(ContentPart.text(content));
    }
}
