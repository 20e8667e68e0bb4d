package dev.modelgateway.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.prompt.PromptDefinition;
import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.prompt.RenderedPrompt;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamFormat;
import dev.modelgateway.suggestions.CompletionStream;
import dev.modelgateway.suggestions.ContextEntry;
import dev.modelgateway.suggestions.PostProcessor;
import dev.modelgateway.suggestions.SuggestionStats;
import dev.modelgateway.suggestions.TokenBudget;
import dev.modelgateway.suggestions.TokenCounter;

/**
 * One code request's fit to each deployment tried: the code around the cursor and the context[] entries cut to that
 * deployment's token budget before its prompt is rendered, and, for completions, the answer post-processed against
 * the code that was sent. Fitted once per deployment; the prompt and the answer shape use the same fit.
 */
final class CodeSuggestionBudget {

    private final SuggestionStats stats;
    private final String above;
    private final String below;
    private final List<ContextEntry> context;
    private final String language;
    private final Map<String, TokenBudget.Fitted> fitted = new ConcurrentHashMap<>();

    CodeSuggestionBudget(SuggestionStats stats, String above, String below, List<ContextEntry> context,
            String language) {
        this.stats = stats;
        this.above = above;
        this.below = below;
        this.context = context == null ? List.of() : context;
        this.language = language;
    }

    /** The prompt inputs for this deployment: {@code prefix}, {@code suffix} and {@code context} fitted. */
    Map<String, Object> inputs(ModelDeployment model, PromptRegistry registry, PromptDefinition def,
            Map<String, Object> base) {
        TokenBudget.Fitted f = fitted.computeIfAbsent(model.id(), id -> fit(model, registry, def, base));
        Map<String, Object> inputs = new LinkedHashMap<>(base);
        inputs.put("prefix", f.prefix());
        inputs.put("suffix", f.suffix());
        inputs.put("context", asInputs(f.context()));
        return inputs;
    }

    private TokenBudget.Fitted fit(ModelDeployment model, PromptRegistry registry, PromptDefinition def,
            Map<String, Object> base) {
        Map<String, Object> empty = new LinkedHashMap<>(base);
        empty.put("prefix", "");
        empty.put("suffix", "");
        empty.put("context", List.of());
        int template = TokenCounter.count(text(registry.render(def, empty)));
        Integer maxTokens = def.params() == null ? null : def.params().maxTokens();
        TokenBudget budget = TokenBudget.of(model.family(), model.suggestions());
        TokenBudget.Fitted f;
        try {
            f = budget.fit(above, below, context, template, maxTokens == null ? 0 : maxTokens);
        } catch (IllegalArgumentException tooSmall) {
            throw GatewayException.unprocessable("model '" + model.alias() + "': " + tooSmall.getMessage());
        }
        stats.budget(model.id(), f);
        return f;
    }

    /** The endpoint's shape with completions post-processed (whole answers and streams alike). */
    ResponseShape postProcessed(ResponseShape inner, ModelDeployment model) {
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                PostProcessor.Result result = processor(model).process(r.text());
                stats.completion(model.id(), result.changes());
                return inner.body(new ModelResponse(result.text(), r.finishReason(), r.usage(), r.toolCalls()));
            }

            @Override
            public StreamFormat streamFormat() {
                StreamFormat format = inner.streamFormat();
                CompletionStream stream = new CompletionStream(processor(model));
                return new StreamFormat() {
                    @Override
                    public String contentType() {
                        return format.contentType();
                    }

                    @Override
                    public String text(String text) {
                        String out = stream.accept(text);
                        return out.isEmpty() ? null : format.text(out);
                    }

                    @Override
                    public String toolCall(int index, String id, String name, String arguments) {
                        return format.toolCall(index, id, name, arguments);
                    }

                    @Override
                    public String end(String finishReason, Usage usage) {
                        String rest = finish(stream, model);
                        String last = rest.isEmpty() ? null : format.text(rest);
                        String end = format.end(finishReason, usage);
                        return last == null ? end : end == null ? last : last + end;
                    }

                    @Override
                    public String error(GatewayException error) {
                        // the answer ends here: what was held back is settled on what came
                        String rest = finish(stream, model);
                        String last = rest.isEmpty() ? null : format.text(rest);
                        String err = format.error(error);
                        return last == null ? err : err == null ? last : last + err;
                    }
                };
            }
        };
    }

    private String finish(CompletionStream stream, ModelDeployment model) {
        String rest = stream.finish();
        stats.completion(model.id(), stream.result().changes());
        if (stream.diverged()) {
            stats.diverged(model.id());
        }
        return rest;
    }

    private PostProcessor processor(ModelDeployment model) {
        TokenBudget.Fitted f = fitted.get(model.id());
        String prefix = f == null ? above : f.prefix();
        String suffix = f == null ? below : f.suffix();
        return new PostProcessor(prefix, suffix, language, model.suggestions().excludedSteps());
    }

    static List<ContextEntry> entries(List<Requests.CodeContext> context) {
        List<ContextEntry> out = new ArrayList<>();
        if (context != null) {
            context.forEach(c -> out.add(new ContextEntry(c.type(), c.name(), c.content())));
        }
        return out;
    }

    private static List<Map<String, String>> asInputs(List<ContextEntry> entries) {
        List<Map<String, String>> out = new ArrayList<>(entries.size());
        for (ContextEntry e : entries) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("type", e.type());
            m.put("name", e.name());
            m.put("content", e.content());
            out.add(m);
        }
        return out;
    }

    private static String text(RenderedPrompt p) {
        if (p.fim() != null) {
            return p.fim().prefix() + p.fim().suffix();
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : p.messages()) {
            sb.append(m.content());
        }
        return sb.toString();
    }
}
