package dev.modelgateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * For the feature kamelet: turns a text body into the request of a feature endpoint (code_completions,
 * code_generations or prompts/&lt;id&gt;) and hands it to that endpoint's processor, as the HTTP API and the queue do.
 * For code features the body is the code before the cursor; for a prompt it is the JSON object of the prompt's inputs,
 * or a text given to the input named by gatewayFeatureInput (with file_name and language when a file name is known).
 */
public final class FeatureRequest implements Processor {

    public static final String FEATURE = "gatewayFeature";
    public static final String MODEL = "gatewayFeatureModel";
    public static final String FILE_NAME = "gatewayFeatureFileName";
    public static final String INPUT = "gatewayFeatureInput";

    private final Endpoints endpoints;

    public FeatureRequest(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String feature = exchange.getProperty(FEATURE, "", String.class).trim();
        String model = blankToNull(exchange.getProperty(MODEL, String.class));
        String text = exchange.getMessage().getBody(String.class);
        text = text == null ? "" : text;
        Map<String, Object> body = new LinkedHashMap<>();
        Processor endpoint;
        // a file consumer's file name serves when the kamelet names none
        String fileName = blankToNull(exchange.getProperty(FILE_NAME, String.class));
        if (fileName == null) {
            fileName = blankToNull(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class));
        }
        if (feature.equals("code_completions") || feature.equals("code_generations")) {
            body.put("current_file", Map.of("file_name", fileName == null ? "file.txt" : fileName,
                    "content_above_cursor", text, "content_below_cursor", ""));
            if (model != null) {
                body.put("model_identifier", model);
            }
            endpoint = feature.equals("code_completions") ? endpoints.codeCompletions() : endpoints.codeGenerations();
        } else if (feature.startsWith("prompts/")) {
            String input = blankToNull(exchange.getProperty(INPUT, String.class));
            JsonNode parsed = input == null ? parseObject(text) : null;
            if (parsed != null) {
                body.put("inputs", parsed);
            } else {
                Map<String, Object> inputs = new LinkedHashMap<>();
                inputs.put(input == null ? "content" : input, text);
                if (fileName != null) {
                    inputs.put("file_name", fileName);
                    inputs.put("language", Languages.detect(fileName, null));
                }
                body.put("inputs", inputs);
            }
            if (model != null) {
                body.put("model_metadata", Map.of("identifier", model));
            }
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/v1/" + feature);
            endpoint = endpoints.prompt();
        } else {
            throw GatewayException.badRequest("unknown feature '" + feature
                    + "': code_completions, code_generations or prompts/<prompt_id>");
        }
        exchange.getMessage().setBody(Json.write(body));
        endpoint.process(exchange);
    }

    private static JsonNode parseObject(String text) {
        String t = text.trim();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(t);
            return node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
