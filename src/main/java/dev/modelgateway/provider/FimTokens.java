package dev.modelgateway.provider;

/**
 * Fill-in-the-middle written into a plain prompt with the model family's own control tokens, for servers (vLLM) that
 * take no {@code suffix} field. The token spellings are the models' published ones.
 */
public final class FimTokens {

    private FimTokens() {
    }

    public static String render(String family, String prefix, String suffix) {
        String s = suffix == null ? "" : suffix;
        return switch (family) {
            case "codestral", "mistral", "mixtral" -> "[SUFFIX]" + s + "[PREFIX]" + prefix;
            case "deepseekcoder" -> "<｜fim▁begin｜>" + prefix + "<｜fim▁hole｜>" + s + "<｜fim▁end｜>";
            case "codellama", "llama3" -> "<PRE> " + prefix + " <SUF>" + s + " <MID>";
            case "qwen", "codegemma" -> "<|fim_prefix|>" + prefix + "<|fim_suffix|>" + s + "<|fim_middle|>";
            default -> "<fim_prefix>" + prefix + "<fim_suffix>" + s + "<fim_middle>";
        };
    }
}
