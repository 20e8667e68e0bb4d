package dev.modelgateway.provider.bedrock;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ChatOptions;
import dev.modelgateway.provider.ContentPart;
import dev.modelgateway.provider.FinishReasons;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.ToolCall;
import dev.modelgateway.provider.ToolSchemas;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * Tools, tool results and images on Converse, as SDK objects: {@code toolConfig} with {@code toolSpec}s and a
 * {@code toolChoice}, {@code toolUse} / {@code toolResult} / {@code image} content blocks, tool calls read back from
 * the answer and from the stream's {@code contentBlockStart} / {@code contentBlockDelta.toolUse} events. A response
 * format becomes a forced tool whose input is the answer, as on Claude.
 */
final class ConverseTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConverseTools() {
    }

    static ToolConfiguration configuration(ChatOptions o) {
        if (o.tools() == null && o.responseFormat() == null) {
            return null;
        }
        List<Tool> tools = new ArrayList<>();
        if (o.tools() != null) {
            for (ChatOptions.Tool t : o.tools()) {
                tools.add(tool(t.name(), t.description(), t.parameters()));
            }
        }
        ToolChoice choice = null;
        if (o.responseFormat() != null) {
            tools.add(tool(ToolSchemas.JSON_TOOL, "Give your answer as the input of this tool, a JSON value matching its "
                    + "schema.", o.responseFormat().schema()));
            if (o.tools() == null) {
                choice = ToolChoice.fromTool(SpecificToolChoice.builder().name(ToolSchemas.JSON_TOOL).build());
            }
        }
        ChatOptions.ToolChoice c = o.toolChoice();
        if (choice == null && c != null) {
            choice = switch (c.mode()) {
                case "required" -> ToolChoice.fromAny(AnyToolChoice.builder().build());
                case "function" -> ToolChoice.fromTool(SpecificToolChoice.builder().name(c.name()).build());
                default -> ToolChoice.fromAuto(AutoToolChoice.builder().build());
            };
        }
        return ToolConfiguration.builder().tools(tools).toolChoice(choice).build();
    }

    private static Tool tool(String name, String description, JsonNode parameters) {
        return Tool.fromToolSpec(ToolSpecification.builder().name(name).description(description)
                .inputSchema(ToolInputSchema.fromJson(document(ToolSchemas.parameters(parameters)))).build());
    }

    /** Turns with content blocks; consecutive turns of one role become one, as Converse wants alternating roles. */
    static List<Message> messages(List<ChatMessage> conversation) {
        List<Message> out = new ArrayList<>();
        ConversationRole role = null;
        List<ContentBlock> blocks = new ArrayList<>();
        for (ChatMessage m : conversation) {
            ConversationRole r = "assistant".equals(m.role()) ? ConversationRole.ASSISTANT : ConversationRole.USER;
            if (role != null && r != role) {
                out.add(Message.builder().role(role).content(blocks).build());
                blocks = new ArrayList<>();
            }
            role = r;
            if (m.toolCallId() != null) {
                blocks.add(ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(m.toolCallId())
                        .content(ToolResultContentBlock.fromText(m.content())).build()));
                continue;
            }
            for (ContentPart part : m.partsOrText()) {
                blocks.add(part.image() == null ? ContentBlock.fromText(part.text()) : ContentBlock.fromImage(image(part
                        .image())));
            }
            if (m.toolCalls() != null) {
                for (ToolCall call : m.toolCalls()) {
                    blocks.add(ContentBlock.fromToolUse(ToolUseBlock.builder().toolUseId(call.id()).name(call.name())
                            .input(document(ToolSchemas.arguments(call.arguments()))).build()));
                }
            }
        }
        if (role != null) {
            out.add(Message.builder().role(role).content(blocks).build());
        }
        return out;
    }

    private static ImageBlock image(ContentPart.Image image) {
        if (!image.inline()) {
            throw new GatewayException(400, "invalid_request_error", "Bedrock takes images as data: URLs (base64), not "
                    + "https: URLs; the gateway does not fetch URLs for the model");
        }
        String format = image.mediaType().substring(image.mediaType().indexOf('/') + 1).toLowerCase(Locale.ROOT);
        return ImageBlock.builder().format("jpg".equals(format) ? "jpeg" : format)
                .source(ImageSource.fromBytes(SdkBytes.fromByteArray(Base64.getDecoder().decode(image.data()))))
                .build();
    }

    /** Text blocks joined, toolUse blocks as tool calls (the response-format tool's input as the text). */
    static ModelResponse response(String text, String stopReason, Usage usage, Message output) {
        if (output == null || output.content() == null) {
            return new ModelResponse(text, FinishReasons.normalize(stopReason), usage);
        }
        List<ToolCall> calls = new ArrayList<>();
        String json = null;
        StringBuilder all = new StringBuilder();
        for (ContentBlock block : output.content()) {
            if (block.text() != null) {
                all.append(block.text());
            } else if (block.toolUse() != null) {
                ToolUseBlock use = block.toolUse();
                String input = json(use.input()).toString();
                if (ToolSchemas.JSON_TOOL.equals(use.name())) {
                    json = input;
                } else {
                    calls.add(new ToolCall(use.toolUseId(), use.name(), input));
                }
            }
        }
        if (json != null && calls.isEmpty()) {
            return new ModelResponse(json, "stop", usage);
        }
        return new ModelResponse(all.toString(), FinishReasons.normalize(stopReason), usage, calls);
    }

    /** Follows tool-use blocks of a converse-stream: the first piece carries id and name, deltas carry input. */
    static final class StreamCalls {
        private final StreamListener listener;
        private final Map<Integer, Integer> blocks = new HashMap<>();
        private int jsonBlock = -1;

        StreamCalls(StreamListener listener) {
            this.listener = listener;
        }

        void start(ContentBlockStartEvent e) {
            if (e.start() == null || e.start().toolUse() == null) {
                return;
            }
            int index = e.contentBlockIndex() == null ? 0 : e.contentBlockIndex();
            if (ToolSchemas.JSON_TOOL.equals(e.start().toolUse().name())) {
                jsonBlock = index;
                return;
            }
            int call = blocks.size();
            blocks.put(index, call);
            listener.onToolCall(call, e.start().toolUse().toolUseId(), e.start().toolUse().name(), "");
        }

        void delta(ContentBlockDeltaEvent e) {
            int index = e.contentBlockIndex() == null ? 0 : e.contentBlockIndex();
            String input = e.delta().toolUse().input();
            if (input == null || input.isEmpty()) {
                return;
            }
            if (index == jsonBlock) {
                listener.onText(input);
            } else if (blocks.containsKey(index)) {
                listener.onToolCall(blocks.get(index), null, null, input);
            }
        }

        /** Only the response-format tool was called: the stream was the answer's text, not a tool call. */
        boolean onlyJson() {
            return jsonBlock >= 0 && blocks.isEmpty();
        }
    }

    static Document document(JsonNode node) {
        if (node == null || node.isNull()) {
            return Document.fromNull();
        }
        if (node.isObject()) {
            Map<String, Document> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), document(e.getValue())));
            return Document.fromMap(map);
        }
        if (node.isArray()) {
            List<Document> list = new ArrayList<>();
            node.forEach(n -> list.add(document(n)));
            return Document.fromList(list);
        }
        if (node.isBoolean()) {
            return Document.fromBoolean(node.asBoolean());
        }
        if (node.isNumber()) {
            return Document.fromNumber(SdkNumber.fromBigDecimal(node.decimalValue()));
        }
        return Document.fromString(node.asText());
    }

    static JsonNode json(Document d) {
        JsonNodeFactory f = JSON.getNodeFactory();
        if (d == null || d.isNull()) {
            return f.nullNode();
        }
        if (d.isMap()) {
            ObjectNode o = f.objectNode();
            d.asMap().forEach((k, v) -> o.set(k, json(v)));
            return o;
        }
        if (d.isList()) {
            ArrayNode a = f.arrayNode();
            d.asList().forEach(v -> a.add(json(v)));
            return a;
        }
        if (d.isBoolean()) {
            return f.booleanNode(d.asBoolean());
        }
        if (d.isNumber()) {
            BigDecimal n = d.asNumber().bigDecimalValue();
            return n.scale() <= 0 ? f.numberNode(n.toBigInteger()) : f.numberNode(n);
        }
        return f.textNode(d.asString());
    }
}
