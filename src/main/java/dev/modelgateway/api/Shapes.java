package dev.modelgateway.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamFormat;

/** The response shapes of the three API families (contract 5.1 and 5.2). */
public final class Shapes {

    private Shapes() {
    }

    /** AI Gateway code completions and generations: a text_completion object, or raw text chunks when streamed. */
    public static ResponseShape aiGateway(ModelDeployment model, String language) {
        String id = UUID.randomUUID().toString();
        long created = Instant.now().getEpochSecond();
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", id);
                body.put("object", "text_completion");
                body.put("created", created);
                body.put("model", Map.of("engine", model.provider(), "name", model.servedName(),
                        "lang", language == null ? "" : language));
                body.put("choices", List.of(choice("text", r.text(), r.finishReason())));
                return Json.write(body);
            }

            @Override
            public StreamFormat streamFormat() {
                return RAW_TEXT;
            }
        };
    }

    /** /v1/prompts: the model's text as a JSON string, or raw text chunks when streamed. */
    public static ResponseShape promptText() {
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                return Json.write(r.text());
            }

            @Override
            public StreamFormat streamFormat() {
                return RAW_TEXT;
            }
        };
    }

    /** OpenAI chat.completion, or chat.completion.chunk SSE. */
    public static ResponseShape openAiChat(String model, boolean includeUsage) {
        return openAi(model, includeUsage, true);
    }

    /** OpenAI text_completion, or its SSE chunks. */
    public static ResponseShape openAiCompletion(String model, boolean includeUsage) {
        return openAi(model, includeUsage, false);
    }

    private static ResponseShape openAi(String model, boolean includeUsage, boolean chat) {
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        String object = chat ? "chat.completion" : "text_completion";
        String chunkObject = chat ? "chat.completion.chunk" : "text_completion";
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                Map<String, Object> choice = chat ? choice("message", message(r), r.finishReason())
                        : choice("text", r.text(), r.finishReason());
                Map<String, Object> body = envelope(object);
                body.put("choices", List.of(choice));
                body.put("usage", usage(r.usage()));
                return Json.write(body);
            }

            @Override
            public StreamFormat streamFormat() {
                return new StreamFormat() {
                    private boolean first = true;

                    @Override
                    public String contentType() {
                        return "text/event-stream; charset=utf-8";
                    }

                    @Override
                    public String text(String text) {
                        Object delta;
                        if (chat) {
                            Map<String, Object> d = new LinkedHashMap<>();
                            if (first) {
                                d.put("role", "assistant");
                            }
                            d.put("content", text);
                            delta = d;
                        } else {
                            delta = text;
                        }
                        first = false;
                        return chunk(choice(chat ? "delta" : "text", delta, null));
                    }

                    @Override
                    public String toolCall(int index, String callId, String name, String arguments) {
                        Map<String, Object> call = new LinkedHashMap<>();
                        call.put("index", index);
                        if (callId != null) {
                            call.put("id", callId);
                            call.put("type", "function");
                        }
                        Map<String, Object> function = new LinkedHashMap<>();
                        if (name != null) {
                            function.put("name", name);
                        }
                        function.put("arguments", arguments == null ? "" : arguments);
                        call.put("function", function);
                        Map<String, Object> d = new LinkedHashMap<>();
                        if (first) {
                            d.put("role", "assistant");
                            d.put("content", null);
                        }
                        d.put("tool_calls", List.of(call));
                        first = false;
                        return chunk(choice("delta", d, null));
                    }

                    @Override
                    public String end(String finishReason, Usage usage) {
                        String last = chunk(choice(chat ? "delta" : "text", chat ? Map.of() : "",
                                finishReason == null ? "stop" : finishReason));
                        if (includeUsage) {
                            Map<String, Object> body = envelope(chunkObject);
                            body.put("choices", List.of());
                            body.put("usage", usage(usage));
                            last += sse(body);
                        }
                        return last + "data: [DONE]\n\n";
                    }

                    @Override
                    public String error(GatewayException error) {
                        return sse(Map.of("error", ErrorBodies.openAiError(error))) + "data: [DONE]\n\n";
                    }

                    private String chunk(Map<String, Object> choice) {
                        Map<String, Object> body = envelope(chunkObject);
                        body.put("choices", List.of(choice));
                        return sse(body);
                    }
                };
            }

            private Map<String, Object> envelope(String object) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", id);
                body.put("object", object);
                body.put("created", created);
                body.put("model", model);
                return body;
            }
        };
    }

    /** AI Gateway streams: the text itself, chunk after chunk; a failure ends it with an SSE error event. */
    static final StreamFormat RAW_TEXT = new StreamFormat() {
        @Override
        public String contentType() {
            return "text/event-stream; charset=utf-8";
        }

        @Override
        public String text(String text) {
            return text;
        }

        /** Raw text has no place for a stop reason: a content-filter stop is told like an error, so it is not silent. */
        @Override
        public String end(String finishReason, Usage usage) {
            if (!"content_filter".equals(finishReason)) {
                return null;
            }
            return "\n\nevent: error\ndata: " + new String(Json.write(Map.of("detail",
                    "the provider's content filter stopped the answer", "finish_reason", "content_filter"))) + "\n\n";
        }

        @Override
        public String error(GatewayException error) {
            return "\n\nevent: error\ndata: " + new String(Json.write(Map.of("detail", error.getMessage(),
                    "status", error.status()))) + "\n\n";
        }
    };

    /** An OpenAI assistant message: text as content (null when the model only called tools), then its tool calls. */
    private static Map<String, Object> message(ModelResponse r) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", r.toolCalls() != null && r.text().isEmpty() ? null : r.text());
        if (r.toolCalls() != null) {
            message.put("tool_calls", r.toolCalls().stream().map(c -> {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", c.id());
                call.put("type", "function");
                call.put("function", Map.of("name", c.name(), "arguments", c.arguments()));
                return call;
            }).toList());
        }
        return message;
    }

    private static Map<String, Object> choice(String field, Object value, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put(field, value);
        choice.put("finish_reason", finishReason);
        return choice;
    }

    private static Map<String, Object> usage(Usage usage) {
        Usage u = usage == null ? Usage.NONE : usage;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", u.promptTokens());
        m.put("completion_tokens", u.completionTokens());
        m.put("total_tokens", u.totalTokens());
        return m;
    }

    private static String sse(Object body) {
        return "data: " + new String(Json.write(body), java.nio.charset.StandardCharsets.UTF_8) + "\n\n";
    }
}
