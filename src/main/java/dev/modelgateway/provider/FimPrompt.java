package dev.modelgateway.provider;

/** A fill-in-the-middle request: the code before and after the cursor. */
public record FimPrompt(String prefix, String suffix) {
}
