package dev.modelgateway.provider;

/** Token counts as the provider reported them; zero when it did not. */
public record Usage(int promptTokens, int completionTokens) {

    public static final Usage NONE = new Usage(0, 0);

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
