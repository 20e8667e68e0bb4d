package dev.modelgateway.support;

/**
 * The conversation the tool-calling goldens were captured with (golden/capture/capture.mjs, section 9), as OpenAI chat
 * requests to the gateway: one get_weather tool offered, then the model's call and the tool's answer.
 */
public final class ToolConversation {

    public static final String SYSTEM = "{\"role\":\"system\",\"content\":\"You are a careful coding assistant.\"}";
    public static final String QUESTION = "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}";
    public static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
            + "\"Current weather for a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
            + "\"string\",\"description\":\"City name\"}},\"required\":[\"city\"]}}}]";
    public static final String CALL_AND_RESULT = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
            + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
            + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":"
            + "\"18 C and sunny\"}";

    private ToolConversation() {
    }

    /** The first turn: the tool offered with tool_choice auto. */
    public static String offer(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + SYSTEM + "," + QUESTION + "],\"tools\":" + TOOLS
                + ",\"tool_choice\":\"auto\",\"max_tokens\":128}";
    }

    /** The second turn: the model's call and the tool's answer. */
    public static String result(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + SYSTEM + "," + QUESTION + "," + CALL_AND_RESULT
                + "],\"tools\":" + TOOLS + ",\"max_tokens\":128}";
    }

    /** The same request, streamed. */
    public static String streamed(String request) {
        return request.replace("\"max_tokens\":128", "\"max_tokens\":128,\"stream\":true");
    }
}
