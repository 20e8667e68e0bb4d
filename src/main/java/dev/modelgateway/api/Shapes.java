package dev.modelgateway.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamFormat;

/** The response shapes of the three API families (contract 5.1 and 5.2). */
public final class Shapes {

    private static final Logger LOG = LoggerFactory.getLogger(Shapes.class);

    private Shapes() {
    }

    /**
     * AI Gateway code completions and generations: a text_completion object, or raw text chunks when streamed. An
     * empty answer has no choice at all (api/v2/code/completions.py); generations lose their Markdown code fences.
     */
    public static ResponseShape aiGateway(ModelDeployment model, String language, boolean generation) {
        String id = Ids.uuid().toString();
        long created = Instant.now().getEpochSecond();
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                String text = r.text() == null ? "" : generation ? CodeFences.generation(r.text()) : r.text();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", id);
                body.put("object", "text_completion");
                body.put("created", created);
                body.put("model", Map.of("engine", model.provider(), "name", model.servedName(),
                        "lang", language == null ? "" : language));
                // an empty answer has no choice, unless a content filter emptied it: that is said, not hidden
                boolean filtered = "content_filter".equals(r.finishReason());
                body.put("choices", text.isEmpty() && !filtered ? List.of()
                        : List.of(choice("text", text, r.finishReason())));
                return Json.write(body);
            }

            @Override
            public StreamFormat streamFormat() {
                return generation ? new FenceFreeText() : RAW_TEXT;
            }
        };
    }

    /** /v1/prompts: the model's text as a JSON string, or raw text chunks when streamed. */
    public static ResponseShape promptText() {
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                // a prompt that offered tools and got a call answers OpenAI's assistant message
                return Json.write(r.toolCalls() == null ? r.text() : message(r));
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
        String id = (chat ? "chatcmpl-" : "cmpl-") + Ids.hex();
        long created = Instant.now().getEpochSecond();
        String object = chat ? "chat.completion" : "text_completion";
        String chunkObject = chat ? "chat.completion.chunk" : "text_completion";
        return new ResponseShape() {
            @Override
            public byte[] body(ModelResponse r) {
                // written straight, field for field what envelope/choice/usage build for the stream's chunks
                return Json.generate(g -> {
                    g.writeStartObject();
                    g.writeStringField("id", id);
                    g.writeStringField("object", object);
                    g.writeNumberField("created", created);
                    g.writeStringField("model", model);
                    g.writeArrayFieldStart("choices");
                    g.writeStartObject();
                    g.writeNumberField("index", 0);
                    if (chat) {
                        g.writeFieldName("message");
                        writeMessage(g, r);
                    } else {
                        g.writeStringField("text", r.text());
                    }
                    g.writeStringField("finish_reason", r.finishReason());
                    g.writeEndObject();
                    g.writeEndArray();
                    Usage u = r.usage() == null ? Usage.NONE : r.usage();
                    g.writeObjectFieldStart("usage");
                    g.writeNumberField("prompt_tokens", u.promptTokens());
                    g.writeNumberField("completion_tokens", u.completionTokens());
                    g.writeNumberField("total_tokens", u.totalTokens());
                    g.writeEndObject();
                    g.writeEndObject();
                });
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

    /**
     * AI Gateway streams: the text itself, chunk after chunk. The client concatenates the chunks into the suggestion,
     * so nothing but the model's text ever goes in: a failure (or a content-filter stop) after the first byte ends the
     * stream and is logged (api/v2/code/completions.py _handle_stream).
     */
    static final StreamFormat RAW_TEXT = new StreamFormat() {
        @Override
        public String contentType() {
            return "text/event-stream; charset=utf-8";
        }

        @Override
        public String text(String text) {
            return text;
        }

        @Override
        public String end(String finishReason, Usage usage) {
            if ("content_filter".equals(finishReason)) {
                LOG.warn("AI Gateway stream cut short: the provider's content filter stopped the answer");
            }
            return null;
        }

        @Override
        public String error(GatewayException error) {
            LOG.warn("AI Gateway stream ended early: {} {}", error.status(), error.getMessage());
            return null;
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

    /** {@link #message} written straight. */
    private static void writeMessage(com.fasterxml.jackson.core.JsonGenerator g, ModelResponse r)
            throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        g.writeStringField("content", r.toolCalls() != null && r.text().isEmpty() ? null : r.text());
        if (r.toolCalls() != null) {
            g.writeArrayFieldStart("tool_calls");
            for (var c : r.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A generation's stream: raw text, line by line, without Markdown code fences. */
    private static final class FenceFreeText implements StreamFormat {
        private final CodeFences.Lines lines = new CodeFences.Lines();

        @Override
        public String contentType() {
            return RAW_TEXT.contentType();
        }

        @Override
        public String text(String text) {
            return lines.add(text);
        }

        @Override
        public String end(String finishReason, Usage usage) {
            RAW_TEXT.end(finishReason, usage);
            return lines.rest();
        }

        /** What the model sent before the failure is still code the client may keep; nothing else goes in. */
        @Override
        public String error(GatewayException error) {
            RAW_TEXT.error(error);
            return lines.rest();
        }
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
