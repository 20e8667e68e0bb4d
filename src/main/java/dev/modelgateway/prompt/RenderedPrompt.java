package dev.modelgateway.prompt;

import java.util.List;

import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.FimPrompt;
import dev.modelgateway.provider.GenerationParams;

/** A definition rendered with its inputs: either messages or a fill-in-the-middle pair, plus the model params. */
public record RenderedPrompt(PromptDefinition definition, List<ChatMessage> messages, FimPrompt fim,
        GenerationParams params) {
}
