package dev.modelgateway.provider;

/** A function call the model asked for, in OpenAI's terms: {@code arguments} is the JSON object as a string. */
public record ToolCall(String id, String name, String arguments) {
}
