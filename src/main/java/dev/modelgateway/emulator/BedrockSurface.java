package dev.modelgateway.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bedrock Runtime under {@code /bedrock} (the endpoint override is {@code http://127.0.0.1:8090/bedrock}):
 * {@code /model/{id}/invoke} and {@code /invoke-with-response-stream} with Claude's Messages body, {@code /converse}
 * and {@code /converse-stream}. Streams are real AWS event-stream frames. The SigV4 signature is not checked (any
 * key pair is accepted); errors carry {@code x-amzn-ErrorType} as Bedrock's do.
 */
public final class BedrockSurface implements EmulatorSurface {

    private static final Pattern PATH = Pattern.compile(
            "/bedrock/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream)");

    @Override
    public void register(Router router) {
        router.postWithRegex(PATH.pattern()).handler(this::answer);
    }

    private void answer(RoutingContext ctx) {
        Matcher m = PATH.matcher(ctx.request().path());
        if (!m.matches()) {
            error(ctx, 404, "UnknownOperationException", "no such Bedrock operation");
            return;
        }
        String model = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String operation = m.group(2);
        JsonNode body;
        try {
            body = OpenAiSurface.JSON.readTree(ctx.body().asString());
        } catch (Exception e) {
            body = null;
        }
        if (body == null || !body.path("messages").isArray()) {
            error(ctx, 400, "ValidationException", "the request body must be JSON with a messages list");
            return;
        }
        String prompt = lastUserText(body);
        String text = EmulatedText.answer(model, prompt);
        int in = EmulatedText.tokens(body.path("system").toString() + " " + body.path("messages").toString());
        int out = EmulatedText.tokens(text);
        boolean invoke = operation.startsWith("invoke");
        EmulatedTools.Call call = invoke ? EmulatedTools.anthropic(body) : EmulatedTools.converse(body);
        if (call != null) {
            toolCall(ctx, operation, model, call, in);
            return;
        }
        switch (operation) {
            case "invoke" -> ctx.response().putHeader("Content-Type", "application/json")
                    .end(claudeMessage(model, text, in, out).toString());
            case "converse" -> ctx.response().putHeader("Content-Type", "application/json")
                    .end(converse(text, in, out).toString());
            case "invoke-with-response-stream" -> invokeStream(events(ctx), model, text, in, out);
            default -> converseStream(events(ctx), text, in, out);
        }
    }

    /** The emulator calls an offered tool: Claude's tool_use block or Converse's toolUse, whole or streamed. */
    private static void toolCall(RoutingContext ctx, String operation, String model, EmulatedTools.Call call, int in) {
        switch (operation) {
            case "invoke" -> {
                ObjectNode m = claudeMessage(model, "", in, 1);
                m.putArray("content").addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                        .set("input", call.arguments());
                m.put("stop_reason", "tool_use");
                ctx.response().putHeader("Content-Type", "application/json").end(m.toString());
            }
            case "converse" -> {
                ObjectNode r = converse("", in, 1);
                ObjectNode use = ((ObjectNode) r.at("/output/message")).putArray("content").addObject()
                        .putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                use.set("input", call.arguments());
                r.put("stopReason", "tool_use");
                ctx.response().putHeader("Content-Type", "application/json").end(r.toString());
            }
            case "invoke-with-response-stream" -> {
                HttpServerResponse response = events(ctx);
                ObjectNode start = claudeMessage(model, "", in, 1);
                start.set("content", OpenAiSurface.JSON.createArrayNode());
                start.putNull("stop_reason");
                response.write(EventStreamFrames.chunk(OpenAiSurface.JSON.createObjectNode()
                        .put("type", "message_start").set("message", start).toString()));
                ObjectNode block = OpenAiSurface.JSON.createObjectNode().put("type", "content_block_start")
                        .put("index", 0);
                block.putObject("content_block").put("type", "tool_use").put("id", call.id())
                        .put("name", call.name()).putObject("input");
                response.write(EventStreamFrames.chunk(block.toString()));
                for (String fragment : call.fragments()) {
                    ObjectNode delta = OpenAiSurface.JSON.createObjectNode().put("type", "content_block_delta")
                            .put("index", 0);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
                    response.write(EventStreamFrames.chunk(delta.toString()));
                }
                response.write(EventStreamFrames.chunk("{\"type\":\"content_block_stop\",\"index\":0}"));
                response.write(EventStreamFrames.chunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"tool_use\"},\"usage\":{\"output_tokens\":1}}"));
                response.end(EventStreamFrames.chunk("{\"type\":\"message_stop\"}"));
            }
            default -> {
                HttpServerResponse response = events(ctx);
                response.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
                ObjectNode start = OpenAiSurface.JSON.createObjectNode().put("contentBlockIndex", 0);
                start.putObject("start").putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                response.write(EventStreamFrames.event("contentBlockStart", start.toString()));
                for (String fragment : call.fragments()) {
                    ObjectNode delta = OpenAiSurface.JSON.createObjectNode().put("contentBlockIndex", 0);
                    delta.putObject("delta").putObject("toolUse").put("input", fragment);
                    response.write(EventStreamFrames.event("contentBlockDelta", delta.toString()));
                }
                response.write(EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}"));
                response.write(EventStreamFrames.event("messageStop", "{\"stopReason\":\"tool_use\"}"));
                response.end(EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":" + in
                        + ",\"outputTokens\":1,\"totalTokens\":" + (in + 1) + "},\"metrics\":{\"latencyMs\":1}}"));
            }
        }
    }

    private static HttpServerResponse events(RoutingContext ctx) {
        return ctx.response().setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
    }

    private static ObjectNode claudeMessage(String model, String text, int in, int out) {
        ObjectNode m = OpenAiSurface.JSON.createObjectNode().put("id", "msg_emulated_" + Integer.toHexString(
                text.hashCode())).put("type", "message").put("role", "assistant").put("model", model);
        m.putArray("content").addObject().put("type", "text").put("text", text);
        m.put("stop_reason", "end_turn").putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", in).put("output_tokens", out);
        return m;
    }

    private static ObjectNode converse(String text, int in, int out) {
        ObjectNode r = OpenAiSurface.JSON.createObjectNode();
        r.putObject("output").putObject("message").put("role", "assistant").putArray("content").addObject()
                .put("text", text);
        r.put("stopReason", "end_turn");
        r.putObject("usage").put("inputTokens", in).put("outputTokens", out).put("totalTokens", in + out);
        r.putObject("metrics").put("latencyMs", 1);
        return r;
    }

    private static void invokeStream(HttpServerResponse response, String model, String text, int in, int out) {
        ObjectNode start = claudeMessage(model, "", in, 1);
        start.set("content", OpenAiSurface.JSON.createArrayNode());
        start.putNull("stop_reason");
        response.write(EventStreamFrames.chunk(OpenAiSurface.JSON.createObjectNode().put("type", "message_start")
                .set("message", start).toString()));
        response.write(EventStreamFrames.chunk("{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (String piece : EmulatedText.chunks(text)) {
            ObjectNode delta = OpenAiSurface.JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            response.write(EventStreamFrames.chunk(delta.toString()));
        }
        response.write(EventStreamFrames.chunk("{\"type\":\"content_block_stop\",\"index\":0}"));
        response.write(EventStreamFrames.chunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + out + "}}"));
        response.end(EventStreamFrames.chunk("{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":"
                + "{\"inputTokenCount\":" + in + ",\"outputTokenCount\":" + out + "}}"));
    }

    private static void converseStream(HttpServerResponse response, String text, int in, int out) {
        response.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdef\"}"));
        for (String piece : EmulatedText.chunks(text)) {
            ObjectNode delta = OpenAiSurface.JSON.createObjectNode().put("contentBlockIndex", 0);
            delta.putObject("delta").put("text", piece);
            delta.put("p", "abcdef");
            response.write(EventStreamFrames.event("contentBlockDelta", delta.toString()));
        }
        response.write(EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abc\"}"));
        response.write(EventStreamFrames.event("messageStop", "{\"stopReason\":\"end_turn\",\"p\":\"abc\"}"));
        response.end(EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":" + in + ",\"outputTokens\":"
                + out + ",\"totalTokens\":" + (in + out) + "},\"metrics\":{\"latencyMs\":1},\"p\":\"abc\"}"));
    }

    /** Claude content is a string or a list of text blocks; Converse content is a list of {text} blocks. */
    private static String lastUserText(JsonNode body) {
        String last = "";
        for (JsonNode m : body.path("messages")) {
            if (!"user".equals(m.path("role").asText())) {
                continue;
            }
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                last = content.asText();
            } else {
                StringBuilder sb = new StringBuilder();
                content.forEach(block -> sb.append(block.path("text").asText("")));
                last = sb.toString();
            }
        }
        return last;
    }

    private static void error(RoutingContext ctx, int status, String type, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("x-amzn-ErrorType", type)
                .end(OpenAiSurface.JSON.createObjectNode().put("message", EmulatedText.LABEL + " " + message)
                        .toString());
    }
}
