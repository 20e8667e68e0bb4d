package dev.modelgateway.prompt;

/** The prompt registry is broken; the message names the file. */
public class PromptRegistryException extends RuntimeException {
    public PromptRegistryException(String message) {
        super(message);
    }
}
