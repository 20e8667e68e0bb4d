package dev.modelgateway.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/** The public request bodies (contract section 5), bound by {@link Json} with snake_case names. */
public final class Requests {

    private Requests() {
    }

    /** AI Gateway's current_file. */
    public record CurrentFile(String fileName, String contentAboveCursor, String contentBelowCursor,
            String languageIdentifier) {
    }

    /** One entry of the AI Gateway's context[]: another file or snippet the editor sends along. */
    public record CodeContext(String type, String name, String content) {
    }

    /** POST /v2/code/completions, /v2/completions and /v2/code/generations. */
    public record CodeRequest(CurrentFile currentFile, Integer promptVersion, JsonNode prompt, String promptId,
            Boolean stream, String modelProvider, String modelName, String modelEndpoint, String modelApiKey,
            String modelIdentifier, String userInstruction, List<CodeContext> context) {
    }

    /** /v1/prompts/{prompt_id}'s model_metadata. */
    public record ModelMetadata(String provider, String name, String endpoint, String apiKey, String identifier) {
    }

    /** POST /v1/prompts/{prompt_id}. */
    public record PromptRequest(Map<String, Object> inputs, String promptVersion, Boolean stream,
            ModelMetadata modelMetadata, JsonNode tools, JsonNode toolChoice) {
    }

    public record StreamOptions(Boolean includeUsage) {
    }

    /**
     * One message of an OpenAI chat request: content is a string or a list of text and image_url parts; an assistant
     * turn may carry tool_calls, a tool turn names the call it answers.
     */
    public record ChatMessageIn(String role, JsonNode content, JsonNode toolCalls, String toolCallId, String name) {

        public ChatMessageIn(String role, JsonNode content) {
            this(role, content, null, null, null);
        }
    }

    /**
     * POST /v1/chat/completions. Fields not named here land in {@code extra}, so each provider can say whether it
     * honours them (none is dropped unnoticed).
     */
    public record ChatCompletionRequest(String model, List<ChatMessageIn> messages, Integer maxTokens,
            Integer maxCompletionTokens, Double temperature, Double topP, JsonNode stop, Boolean stream,
            StreamOptions streamOptions, JsonNode tools, JsonNode toolChoice, Boolean parallelToolCalls,
            JsonNode responseFormat, @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** POST /v1/completions (text, and fill-in-the-middle with suffix). */
    public record CompletionRequest(String model, JsonNode prompt, String suffix, Integer maxTokens,
            Double temperature, Double topP, JsonNode stop, Boolean stream, StreamOptions streamOptions,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }
}
