package dev.modelgateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Error bodies per API family (contract 5.3). */
public final class ErrorBodies {

    private ErrorBodies() {
    }

    public static byte[] body(ApiFamily family, GatewayException error) {
        if (family == ApiFamily.OPENAI) {
            return Json.write(Map.of("error", openAiError(error)));
        }
        if (error.status() == 401) {
            // the AI Gateway's authentication middleware answers {"error": ...} (api/middleware/authentication.py)
            return Json.write(Map.of("error", error.getMessage()));
        }
        return Json.write(Map.of("detail", error.getMessage()));
    }

    static Map<String, Object> openAiError(GatewayException error) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", error.getMessage());
        e.put("type", error.type());
        e.put("code", String.valueOf(error.status()));
        return e;
    }
}
