package dev.modelgateway.provider;

import java.util.List;

/** Sampling settings every provider understands; null means "the model's default". */
public record GenerationParams(Integer maxTokens, Double temperature, Double topP, List<String> stop) {

    public static final GenerationParams DEFAULTS = new GenerationParams(null, null, null, null);

    public GenerationParams {
        stop = stop == null || stop.isEmpty() ? null : List.copyOf(stop);
    }

    /** Values set here win over the other's. */
    public GenerationParams over(GenerationParams base) {
        return new GenerationParams(
                maxTokens != null ? maxTokens : base.maxTokens,
                temperature != null ? temperature : base.temperature,
                topP != null ? topP : base.topP,
                stop != null ? stop : base.stop);
    }
}
