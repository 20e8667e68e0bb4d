package dev.modelgateway.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.api.CodeSuggestionInputs.Feature;
import dev.modelgateway.api.Requests.ChatCompletionRequest;
import dev.modelgateway.api.Requests.ChatMessageIn;
import dev.modelgateway.api.Requests.CodeRequest;
import dev.modelgateway.api.Requests.CompletionRequest;
import dev.modelgateway.api.Requests.CurrentFile;
import dev.modelgateway.api.Requests.ModelMetadata;
import dev.modelgateway.api.Requests.PromptRequest;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.prompt.PromptDefinition;
import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.prompt.RenderedPrompt;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatOptions;
import dev.modelgateway.provider.FimPrompt;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.reload.Current;
import dev.modelgateway.suggestions.SuggestionStats;

/**
 * The edge of each endpoint: validates the body once, resolves the model, and records a {@link RequestPlan}. One
 * processor per endpoint, each named in the routes.
 */
public final class Endpoints {

    /** AI Gateway's own limit on each side of the cursor. */
    public static final int MAX_CONTENT_CHARS = 100_000;
    /** AI Gateway's CurrentFile.file_name: max_length 255. */
    public static final int MAX_FILE_NAME_CHARS = 255;
    /** AI Gateway's limit on context[] entries (api/v2/code/typing.py). */
    public static final int MAX_CONTEXT_ENTRIES = 100;
    static final String COMPLETIONS_PROMPT = "code_suggestions/completions";
    static final String GENERATIONS_PROMPT = "code_suggestions/generations";

    private final ModelResolver resolver;
    private final Current<PromptRegistry> prompts;
    private final SuggestionStats suggestionStats;

    /** {@code prompts} is read once per request, so a prompt edit applies from the next one. */
    public Endpoints(ModelResolver resolver, Current<PromptRegistry> prompts) {
        this(resolver, prompts, new SuggestionStats());
    }

    public Endpoints(ModelResolver resolver, Current<PromptRegistry> prompts, SuggestionStats suggestionStats) {
        this.resolver = resolver;
        this.prompts = prompts;
        this.suggestionStats = suggestionStats;
    }

    /** POST /v2/code/completions (and /v2/completions). */
    public Processor codeCompletions() {
        return exchange -> code(exchange, Feature.COMPLETIONS);
    }

    /** POST /v2/code/generations. */
    public Processor codeGenerations() {
        return exchange -> code(exchange, Feature.GENERATIONS);
    }

    /** POST /v1/prompts/{prompt_id}. */
    public Processor prompt() {
        return this::prompt;
    }

    /** POST /v1/chat/completions. */
    public Processor chatCompletions() {
        return this::chat;
    }

    /** POST /v1/completions. */
    public Processor completions() {
        return this::completion;
    }

    /** GET /v1/models. */
    public Processor models() {
        return exchange -> {
            List<Map<String, Object>> data = new ArrayList<>();
            resolver.catalog().groups().forEach((alias, members) -> {
                Map<String, Object> model = new LinkedHashMap<>();
                model.put("id", alias);
                model.put("object", "model");
                model.put("created", 0);
                model.put("owned_by", members.get(0).provider());
                data.add(model);
            });
            ResponseWriter.json(exchange.getMessage(), 200, Json.write(Map.of("object", "list", "data", data)));
        };
    }

    /**
     * The AI Gateway's code endpoints (api/v2/code/completions.py): the registry prompt (prompt_id, else the feature's
     * default) rendered from current_file, context[] and user_instruction whatever prompt_version says, since that is
     * what the AI Gateway does for LiteLLM-style clients; {@code prompt} is used only where the AI Gateway uses it.
     */
    private void code(Exchange exchange, Feature feature) {
        exchange.setProperty(ExchangeKeys.API, ApiFamily.AI_GATEWAY);
        CodeRequest r = readAiGateway(exchange, CodeRequest.class);
        CurrentFile file = required(r.currentFile(), "current_file");
        if (required(file.fileName(), "current_file.file_name").length() > MAX_FILE_NAME_CHARS) {
            throw GatewayException.unprocessable("field 'current_file.file_name' is longer than "
                    + MAX_FILE_NAME_CHARS + " characters");
        }
        String above = required(file.contentAboveCursor(), "current_file.content_above_cursor");
        String below = file.contentBelowCursor() == null ? "" : file.contentBelowCursor();
        if (above.length() > MAX_CONTENT_CHARS || below.length() > MAX_CONTENT_CHARS) {
            throw GatewayException.unprocessable("current_file content is longer than " + MAX_CONTENT_CHARS
                    + " characters on one side of the cursor");
        }
        checkContext(r.context());
        int version = r.promptVersion() == null ? 1 : r.promptVersion();
        if (version < 1 || version > 3) {
            throw GatewayException.unprocessable("field 'prompt_version' must be 1, 2 or 3");
        }
        List<ChatMessage> ready = readyPrompt(r, version, feature);
        String language = Languages.forCode(file.fileName(), file.languageIdentifier());
        boolean stream = Boolean.TRUE.equals(r.stream());
        String featureName = feature == Feature.COMPLETIONS ? "code_completions" : "code_generations";
        List<ModelDeployment> candidates = resolver.forRequest(r.modelIdentifier(), r.modelName(), r.modelEndpoint(),
                r.modelApiKey(), featureName);
        boolean generation = feature == Feature.GENERATIONS;
        Function<ModelDeployment, ResponseShape> shape = model -> Shapes.aiGateway(model, language, generation);
        if (ready != null) {
            RequestPlan.start(exchange, candidates,
                    model -> ModelRequest.chat(model, ready, GenerationParams.DEFAULTS, stream), shape, stream);
            return;
        }
        if (feature == Feature.COMPLETIONS && language.isEmpty()) {
            // CodeCompletions.execute: no language, no model call, no suggestion
            RequestPlan.answerWithoutModel(exchange, candidates, shape, new ModelResponse("", null, Usage.NONE));
            return;
        }
        String promptId = r.promptId() == null || r.promptId().isBlank()
                ? feature == Feature.COMPLETIONS ? COMPLETIONS_PROMPT : GENERATIONS_PROMPT
                : r.promptId().trim();
        PromptRegistry registry = prompts.get();
        if (!registry.contains(promptId)) {
            throw GatewayException.notFound("unknown prompt '" + promptId + "'");
        }
        Map<String, Object> inputs = CodeSuggestionInputs.of(r, language, feature);
        // each deployment gets the code and context[] cut to its own token budget; completions are cleaned up
        CodeSuggestionBudget budget = new CodeSuggestionBudget(suggestionStats, above, below,
                CodeSuggestionBudget.entries(r.context()), language);
        boolean completion = feature == Feature.COMPLETIONS;
        RequestPlan.start(exchange, candidates, model -> {
            PromptDefinition def = registry.resolve(promptId, model.family(), null);
            return rendered(registry, model, def, budget.inputs(model, registry, def, inputs), stream);
        }, model -> completion ? budget.postProcessed(shape.apply(model), model) : shape.apply(model), stream);
    }

    /**
     * The client's own prompt, where the AI Gateway sends it as it is: a v3 message list, for completions only on the
     * Anthropic path (model_provider_handlers.py AnthropicHandler), for generations unless a prompt_id asks for the
     * registry (completions.py _build_code_generations). Null: render the registry prompt.
     */
    private static List<ChatMessage> readyPrompt(CodeRequest r, int version, Feature feature) {
        JsonNode prompt = r.prompt();
        boolean given = prompt != null && !prompt.isNull();
        if (version == 2 && given && !prompt.isTextual()) {
            throw GatewayException.unprocessable("field 'prompt' must be a string or null with prompt_version 2");
        }
        if (version != 3 || !given) {
            return null;
        }
        if (!prompt.isArray()) {
            throw GatewayException.unprocessable("field 'prompt' must be a list of {role, content} with "
                    + "prompt_version 3");
        }
        boolean used = feature == Feature.COMPLETIONS ? "anthropic".equals(r.modelProvider())
                : r.promptId() == null || r.promptId().isBlank();
        return used && !prompt.isEmpty() ? promptMessages(prompt) : null;
    }

    private static void checkContext(List<Requests.CodeContext> context) {
        if (context == null) {
            return;
        }
        if (context.size() > MAX_CONTEXT_ENTRIES) {
            throw GatewayException.unprocessable("field 'context' may hold at most " + MAX_CONTEXT_ENTRIES
                    + " entries");
        }
        for (int i = 0; i < context.size(); i++) {
            Requests.CodeContext c = context.get(i);
            required(c, "context[" + i + "]");
            required(c.content(), "context[" + i + "].content");
        }
    }

    /** POST /v1/prompts/{prompt_id} (api/v1/prompts/invoke.py). */
    private void prompt(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.API, ApiFamily.PROMPTS);
        String promptId = promptId(exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class));
        PromptRegistry registry = prompts.get();
        if (promptId.isEmpty() || !registry.contains(promptId)) {
            throw GatewayException.notFound("unknown prompt '" + promptId + "'");
        }
        PromptRequest r = readAiGateway(exchange, PromptRequest.class);
        Map<String, Object> inputs = new LinkedHashMap<>();
        // PromptInputs.add_current_date: a client's own current_date wins
        inputs.put("current_date", CodeSuggestionInputs.currentDate());
        if (r.inputs() != null) {
            inputs.putAll(r.inputs());
        }
        boolean stream = Boolean.TRUE.equals(r.stream());
        ModelMetadata meta = r.modelMetadata() == null ? new ModelMetadata(null, null, null, null, null)
                : r.modelMetadata();
        String feature = resolver.catalog().aliasForFeature(promptId) != null ? promptId : "chat";
        List<ModelDeployment> candidates = resolver.forRequest(meta.identifier(), meta.name(), meta.endpoint(),
                meta.apiKey(), feature);
        OpenAiChat.PromptTools tools = OpenAiChat.PromptTools.of(r.tools(), r.toolChoice());
        if (stream && tools != null) {
            // a raw text stream has no place for a tool call
            throw GatewayException.unprocessable("field 'tools' is answered whole on /v1/prompts: send stream: false");
        }
        plan(exchange, registry, candidates, promptId, r.promptVersion(), inputs, stream,
                model -> Shapes.promptText(), tools);
    }

    /** The prompt id of a /v1/prompts path, percent-decoded: GitLab sends model_configuration%2Fcheck. */
    static String promptId(String path) {
        String raw = path == null ? "" : path.replaceFirst("^/?v1/prompts/?", "").replaceAll("/+$", "");
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8).replaceAll("/+$", "");
        } catch (IllegalArgumentException badEscape) {
            return raw;
        }
    }

    /**
     * Plans a registry prompt: rendered up front for the first model, so a missing input or version is reported
     * before anything is sent; fall-backs of another family render their own variant when they are tried.
     */
    private static void plan(Exchange exchange, PromptRegistry registry, List<ModelDeployment> candidates,
            String promptId, String constraint, Map<String, Object> inputs, boolean stream,
            Function<ModelDeployment, ResponseShape> shape, OpenAiChat.PromptTools tools) {
        ModelDeployment firstModel = candidates.get(0);
        ModelRequest first = OpenAiChat.PromptTools.apply(tools, registry.resolve(promptId, firstModel.family(),
                constraint), def -> rendered(registry, firstModel, def, inputs, stream));
        RequestPlan.start(exchange, candidates,
                model -> model == firstModel ? first
                        : OpenAiChat.PromptTools.apply(tools, registry.resolve(promptId, model.family(), constraint),
                                def -> rendered(registry, model, def, inputs, stream)),
                shape, stream);
    }

    private void chat(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.API, ApiFamily.OPENAI);
        ChatCompletionRequest r = Json.read(body(exchange), ChatCompletionRequest.class);
        List<ChatMessage> messages = OpenAiChat.messages(r.messages());
        ChatOptions options = OpenAiChat.options(r);
        GenerationParams params = new GenerationParams(r.maxTokens() != null ? r.maxTokens() : r.maxCompletionTokens(),
                r.temperature(), r.topP(), stop(r.stop()));
        boolean stream = Boolean.TRUE.equals(r.stream());
        boolean usage = r.streamOptions() != null && Boolean.TRUE.equals(r.streamOptions().includeUsage());
        List<ModelDeployment> candidates = resolver.byAlias(r.model());
        RequestPlan.start(exchange, candidates,
                model -> ModelRequest.chat(model, messages, params, stream).withOptions(options),
                model -> Shapes.openAiChat(served(r.model(), candidates, model), usage), stream);
    }

    private void completion(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.API, ApiFamily.OPENAI);
        CompletionRequest r = Json.read(body(exchange), CompletionRequest.class);
        JsonNode p = r.prompt();
        if (p != null && p.isArray() && p.size() == 1) {
            p = p.get(0);
        }
        if (p == null || !p.isTextual()) {
            throw GatewayException.unprocessable("field 'prompt' must be a string");
        }
        FimPrompt fim = new FimPrompt(p.asText(), r.suffix());
        GenerationParams params = new GenerationParams(r.maxTokens(), r.temperature(), r.topP(), stop(r.stop()));
        boolean stream = Boolean.TRUE.equals(r.stream());
        boolean usage = r.streamOptions() != null && Boolean.TRUE.equals(r.streamOptions().includeUsage());
        List<ModelDeployment> candidates = resolver.byAlias(r.model());
        ChatOptions options = new ChatOptions(null, null, null, null, OpenAiChat.extra(r.extra()));
        RequestPlan.start(exchange, candidates, model -> ModelRequest.fim(model, fim, params, stream).withOptions(options),
                model -> Shapes.openAiCompletion(served(r.model(), candidates, model), usage), stream);
    }

    /** The answer's model: the name the client asked for, or the fallback group that served instead. */
    private static String served(String asked, List<ModelDeployment> candidates, ModelDeployment model) {
        return model.alias().equals(candidates.get(0).alias()) ? asked : model.alias();
    }

    private static ModelRequest rendered(PromptRegistry registry, ModelDeployment model, PromptDefinition def,
            Map<String, ?> inputs, boolean stream) {
        RenderedPrompt p = registry.render(def, inputs);
        ModelRequest request = p.fim() != null
                ? ModelRequest.fim(model, p.fim(), p.params(), stream)
                : ModelRequest.chat(model, p.messages(), p.params(), stream);
        return def.timeoutSeconds() == null ? request
                : new ModelRequest(model, request.messages(), request.fim(), request.params(), stream,
                        def.timeoutSeconds());
    }

    private static List<ChatMessage> promptMessages(JsonNode prompt) {
        if (prompt == null || !prompt.isArray() || prompt.isEmpty()) {
            throw GatewayException.unprocessable("field 'prompt' must be a non-empty list of {role, content} "
                    + "with prompt_version 3");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < prompt.size(); i++) {
            JsonNode m = prompt.get(i);
            messages.add(message(new ChatMessageIn(m.path("role").isTextual() ? m.get("role").asText() : null,
                    m.get("content")), "prompt[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(ChatMessageIn m, String where) {
        String role = m == null ? null : m.role();
        if (role == null) {
            throw GatewayException.unprocessable("field '" + where + ".role' is required");
        }
        role = switch (role) {
            case "system", "developer" -> "system";
            case "user", "assistant" -> role;
            default -> throw GatewayException.unprocessable("field '" + where + ".role' must be system, user or "
                    + "assistant, not '" + role + "'");
        };
        JsonNode content = m.content();
        if (content != null && content.isTextual()) {
            return new ChatMessage(role, content.asText());
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw GatewayException.unprocessable("field '" + where + ".content' may only hold text parts");
                }
                text.append(part.get("text").asText());
            }
            return new ChatMessage(role, text.toString());
        }
        throw GatewayException.unprocessable("field '" + where + ".content' must be a string or a list of text parts");
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> list = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw GatewayException.unprocessable("field 'stop' must be a string or a list of strings");
                }
                list.add(s.asText());
            }
            return list;
        }
        throw GatewayException.unprocessable("field 'stop' must be a string or a list of strings");
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw GatewayException.unprocessable("field '" + field + "' is required");
        }
        return value;
    }

    /**
     * Reads an AI Gateway body: malformed JSON or an empty body is 422 there (FastAPI's request validation), where
     * the OpenAI routes answer 400.
     */
    private static <T> T readAiGateway(Exchange exchange, Class<T> type) {
        try {
            return Json.read(body(exchange), type);
        } catch (GatewayException e) {
            throw e.status() == 400 ? GatewayException.unprocessable(e.getMessage()) : e;
        }
    }

    private static byte[] body(Exchange exchange) {
        return exchange.getMessage().getBody(byte[].class);
    }
}
