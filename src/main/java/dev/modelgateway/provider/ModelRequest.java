package dev.modelgateway.provider;

import java.util.List;

import dev.modelgateway.config.ModelDeployment;

/**
 * What a provider is asked to do, independent of any wire format: either a conversation ({@code messages}) or a
 * fill-in-the-middle completion ({@code fim}), never both. {@code call} is the request's cancellation signal
 * ({@link UpstreamCall}): every attempt made for it registers what it holds there.
 */
public record ModelRequest(ModelDeployment model, List<ChatMessage> messages, FimPrompt fim,
        GenerationParams params, boolean stream, Double timeoutSeconds, ChatOptions options, UpstreamCall call) {

    public ModelRequest {
        if ((messages == null) == (fim == null)) {
            throw new IllegalArgumentException("a model request is either a conversation or a fill-in-the-middle");
        }
        messages = messages == null ? null : List.copyOf(messages);
        params = params == null ? GenerationParams.DEFAULTS : params;
        options = options == null ? ChatOptions.NONE : options;
        call = call == null ? UpstreamCall.detached() : call;
    }

    public ModelRequest(ModelDeployment model, List<ChatMessage> messages, FimPrompt fim, GenerationParams params,
            boolean stream, Double timeoutSeconds, ChatOptions options) {
        this(model, messages, fim, params, stream, timeoutSeconds, options, null);
    }

    public ModelRequest(ModelDeployment model, List<ChatMessage> messages, FimPrompt fim, GenerationParams params,
            boolean stream, Double timeoutSeconds) {
        this(model, messages, fim, params, stream, timeoutSeconds, ChatOptions.NONE);
    }

    public static ModelRequest chat(ModelDeployment model, List<ChatMessage> messages, GenerationParams params,
            boolean stream) {
        return new ModelRequest(model, messages, null, params, stream, null);
    }

    public static ModelRequest fim(ModelDeployment model, FimPrompt fim, GenerationParams params, boolean stream) {
        return new ModelRequest(model, null, fim, params, stream, null);
    }

    public boolean isFim() {
        return fim != null;
    }

    public ModelRequest withStream(boolean streamed) {
        return new ModelRequest(model, messages, fim, params, streamed, timeoutSeconds, options, call);
    }

    public ModelRequest withModel(ModelDeployment other) {
        return new ModelRequest(other, messages, fim, params, stream, timeoutSeconds, options, call);
    }

    /** The same request with tools, a response format or other OpenAI fields (see {@link ChatOptions}). */
    public ModelRequest withOptions(ChatOptions chatOptions) {
        return new ModelRequest(model, messages, fim, params, stream, timeoutSeconds, chatOptions, call);
    }

    /** The same request under another cancellation signal (ProviderCall gives each request its own). */
    public ModelRequest withCall(UpstreamCall signal) {
        return new ModelRequest(model, messages, fim, params, stream, timeoutSeconds, options, signal);
    }

    /** This request as a conversation of these turns (a fill-in-the-middle request for a chat-only API). */
    public ModelRequest asChat(List<ChatMessage> turns) {
        return new ModelRequest(model, turns, null, params, stream, timeoutSeconds, options, call);
    }

    /** The same conversation with other turns (a provider's mapping may drop or reshape some). */
    public ModelRequest withMessages(List<ChatMessage> turns) {
        return new ModelRequest(model, turns, fim, params, stream, timeoutSeconds, options, call);
    }

    /** The system turns joined, for APIs that take the system prompt apart from the conversation. */
    public String systemText() {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if ("system".equals(m.role())) {
                if (sb.length() > 0) {
                    sb.append("\n\n");
                }
                sb.append(m.content());
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The turns that are not system turns. */
    public List<ChatMessage> conversation() {
        return messages.stream().filter(m -> !"system".equals(m.role())).toList();
    }
}
