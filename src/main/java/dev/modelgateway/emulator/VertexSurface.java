package dev.modelgateway.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Vertex AI under {@code /vertex}: Google's OAuth token endpoint ({@code /vertex/token}, the JWT-bearer and
 * refresh-token grants) and, under {@code /vertex/v1}, rawPredict / streamRawPredict for Claude (Messages) and
 * Mistral (chat and FIM), generateContent / streamGenerateContent for Gemini, and endpoints/openapi. Vertex calls
 * must carry a token this endpoint issued, as the real one does. The assertion's signature is not checked: the key
 * that signs it is the emulator-only key shipped in {@code emulator/}.
 */
public final class VertexSurface implements EmulatorSurface {

    static final String PREFIX = "/vertex";
    private static final String MODEL_CALL = PREFIX
            + "/v1/projects/([^/]+)/locations/([^/]+)/publishers/([^/]+)/models/([^/:]+):([A-Za-z]+)";

    private final Set<String> issued = ConcurrentHashMap.newKeySet();

    @Override
    public void register(Router router) {
        router.post(PREFIX + "/token").handler(this::token);
        router.postWithRegex(MODEL_CALL).handler(ctx -> {
            if (authorised(ctx)) {
                model(ctx);
            }
        });
        router.postWithRegex(PREFIX + "/v1/projects/[^/]+/locations/[^/]+/endpoints/openapi/chat/completions")
                .handler(ctx -> {
                    if (authorised(ctx)) {
                        OpenAiSurface.answer(ctx, true);
                    }
                });
    }

    private void token(RoutingContext ctx) {
        String grant = ctx.request().getFormAttribute("grant_type");
        String assertion = ctx.request().getFormAttribute("assertion");
        boolean jwt = "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant) && claims(assertion) != null;
        boolean refresh = "refresh_token".equals(grant) && ctx.request().getFormAttribute("refresh_token") != null;
        if (!jwt && !refresh) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"invalid_grant\",\"error_description\":\"" + EmulatedText.LABEL
                            + " expected a JWT-bearer assertion or a refresh token\"}");
            return;
        }
        String token = "ya29.model-gateway-emulator." + UUID.randomUUID();
        issued.add(token);
        ctx.response().putHeader("Content-Type", "application/json").end(OpenAiSurface.JSON.createObjectNode()
                .put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer").toString());
    }

    private static JsonNode claims(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            JsonNode claims = OpenAiSurface.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            return parts.length == 3 && claims.hasNonNull("iss") && claims.hasNonNull("scope") ? claims : null;
        } catch (Exception e) {
            return null;
        }
    }

    private boolean authorised(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.startsWith("Bearer ") && issued.contains(auth.substring(7))) {
            return true;
        }
        googleError(ctx, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials: expected a token "
                + "issued by " + PREFIX + "/token");
        return false;
    }

    private void model(RoutingContext ctx) {
        String publisher = ctx.pathParam("param2");
        String model = ctx.pathParam("param3");
        String verb = ctx.pathParam("param4");
        JsonNode body;
        try {
            body = OpenAiSurface.JSON.readTree(ctx.body().asString());
        } catch (Exception e) {
            googleError(ctx, 400, "INVALID_ARGUMENT", "the request body is not JSON");
            return;
        }
        boolean stream = verb.startsWith("stream");
        switch (publisher + ":" + verb.replace("stream", "").toLowerCase()) {
            case "anthropic:rawpredict" -> claude(ctx, model, body, stream);
            case "mistralai:rawpredict" -> OpenAiSurface.answer(ctx, body.has("messages"), body, true);
            case "google:generatecontent" -> gemini(ctx, model, body, stream);
            default -> googleError(ctx, 404, "NOT_FOUND", "Publisher Model `publishers/" + publisher + "/models/"
                    + model + "` with method " + verb + " is not served by the emulator");
        }
    }

    private static void claude(RoutingContext ctx, String model, JsonNode body, boolean stream) {
        int[] over = ContextWindow.over(ctx, model, ContextWindow.promptText(body));
        if (over != null) {
            // Anthropic's answer to a prompt longer than the window
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end("{\"type\":\"error\","
                    + "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"" + EmulatedText.LABEL
                    + " prompt is too long: " + over[0] + " tokens > " + over[1] + " maximum\"}}");
            return;
        }
        String text = EmulatedText.answer(model, lastUserText(body.path("messages"), "content"));
        int in = EmulatedText.tokens(body.path("system").asText("") + body.path("messages"));
        int out = EmulatedText.tokens(text);
        String id = "msg_emulated_" + Integer.toHexString(text.hashCode());
        EmulatedTools.Call call = EmulatedTools.anthropic(body);
        String stop = call != null ? "tool_use" : "end_turn";
        if (!stream) {
            ObjectNode answer = OpenAiSurface.JSON.createObjectNode().put("id", id).put("type", "message")
                    .put("role", "assistant").put("model", model);
            if (call != null) {
                answer.putArray("content").addObject().put("type", "tool_use").put("id", call.id())
                        .put("name", call.name()).set("input", call.arguments());
            } else {
                answer.putArray("content").addObject().put("type", "text").put("text", text);
            }
            answer.put("stop_reason", stop).putNull("stop_sequence");
            answer.putObject("usage").put("input_tokens", in).put("output_tokens", out);
            ctx.response().putHeader("Content-Type", "application/json").end(answer.toString());
            return;
        }
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        ObjectNode start = OpenAiSurface.JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putObject("usage").put("input_tokens", in).put("output_tokens", 1);
        event(response, "message_start", start);
        if (call != null) {
            ObjectNode block = OpenAiSurface.JSON.createObjectNode().put("type", "tool_use").put("id", call.id())
                    .put("name", call.name());
            block.putObject("input");
            event(response, "content_block_start", OpenAiSurface.JSON.createObjectNode()
                    .put("type", "content_block_start").put("index", 0).set("content_block", block));
            for (String fragment : call.fragments()) {
                event(response, "content_block_delta", OpenAiSurface.JSON.createObjectNode()
                        .put("type", "content_block_delta").put("index", 0).set("delta", OpenAiSurface.JSON
                                .createObjectNode().put("type", "input_json_delta").put("partial_json", fragment)));
            }
        } else {
            event(response, "content_block_start", OpenAiSurface.JSON.createObjectNode()
                    .put("type", "content_block_start").put("index", 0).set("content_block", OpenAiSurface.JSON
                            .createObjectNode().put("type", "text").put("text", "")));
        }
        event(response, "ping", OpenAiSurface.JSON.createObjectNode().put("type", "ping"));
        for (String piece : call != null ? List.<String>of() : EmulatedText.chunks(text)) {
            event(response, "content_block_delta", OpenAiSurface.JSON.createObjectNode()
                    .put("type", "content_block_delta").put("index", 0).set("delta", OpenAiSurface.JSON
                            .createObjectNode().put("type", "text_delta").put("text", piece)));
        }
        event(response, "content_block_stop", OpenAiSurface.JSON.createObjectNode().put("type", "content_block_stop")
                .put("index", 0));
        ObjectNode delta = OpenAiSurface.JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", out);
        event(response, "message_delta", delta);
        response.end("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private static void event(HttpServerResponse response, String name, JsonNode data) {
        response.write("event: " + name + "\ndata: " + data + "\n\n");
    }

    private static void gemini(RoutingContext ctx, String model, JsonNode body, boolean stream) {
        int[] over = ContextWindow.over(ctx, model, ContextWindow.promptText(body));
        if (over != null) {
            googleError(ctx, 400, "INVALID_ARGUMENT", "The input token count (" + over[0] + ") exceeds the maximum "
                    + "number of tokens allowed (" + over[1] + ").");
            return;
        }
        EmulatedTools.Call call = EmulatedTools.gemini(body);
        JsonNode schema = body.path("generationConfig").path("responseSchema");
        String text = "application/json".equals(body.path("generationConfig").path("responseMimeType").asText())
                ? EmulatedTools.arguments(schema).toString()
                : EmulatedText.answer(model, lastUserText(body.path("contents"), "parts"));
        if (call != null) {
            ObjectNode chunk = geminiChunk(model, List.of(), "STOP", EmulatedText.tokens(body.toString()), 1);
            ((ArrayNode) chunk.path("candidates").path(0).path("content").path("parts")).addObject()
                    .putObject("functionCall").put("name", call.name()).set("args", call.arguments());
            String out = chunk.toString();
            if (stream) {
                ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
                        .end("data: " + out + "\r\n\r\n");
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(out);
            }
            return;
        }
        int in = EmulatedText.tokens(body.path("systemInstruction").toString() + body.path("contents"));
        int out = EmulatedText.tokens(text);
        if (!stream) {
            ctx.response().putHeader("Content-Type", "application/json").end(geminiChunk(model, List.of(text),
                    "STOP", in, out).toString());
            return;
        }
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        List<String> pieces = EmulatedText.chunks(text);
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            // Gemini separates its events with CRLF CRLF and sends no [DONE]
            response.write("data: " + geminiChunk(model, List.of(pieces.get(i)), last ? "STOP" : null, in,
                    last ? out : i + 1) + "\r\n\r\n");
        }
        response.end();
    }

    private static ObjectNode geminiChunk(String model, List<String> texts, String finish, int in, int out) {
        ObjectNode chunk = OpenAiSurface.JSON.createObjectNode();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        ArrayNode parts = content.putArray("parts");
        texts.forEach(t -> parts.addObject().put("text", t));
        if (finish != null) {
            candidate.put("finishReason", finish);
        }
        chunk.putObject("usageMetadata").put("promptTokenCount", in).put("candidatesTokenCount", out)
                .put("totalTokenCount", in + out);
        chunk.put("modelVersion", model);
        return chunk;
    }

    /** The last user turn's text: Messages' string or text blocks, or Gemini's parts. */
    private static String lastUserText(JsonNode turns, String field) {
        String last = "";
        for (JsonNode turn : turns) {
            if (!"user".equals(turn.path("role").asText())) {
                continue;
            }
            JsonNode value = turn.path(field);
            if (value.isTextual()) {
                last = value.asText();
            } else {
                StringBuilder sb = new StringBuilder();
                value.forEach(block -> sb.append(block.path("text").asText("")));
                last = sb.toString();
            }
        }
        return last;
    }

    private static void googleError(RoutingContext ctx, int code, String status, String message) {
        ObjectNode error = OpenAiSurface.JSON.createObjectNode();
        error.putObject("error").put("code", code).put("message", EmulatedText.LABEL + " " + message)
                .put("status", status);
        ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(error.toString());
    }
}
