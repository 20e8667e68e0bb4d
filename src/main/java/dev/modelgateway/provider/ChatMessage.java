package dev.modelgateway.provider;

/** One turn of a conversation, already rendered: role is system, user or assistant. */
public record ChatMessage(String role, String content) {
}
