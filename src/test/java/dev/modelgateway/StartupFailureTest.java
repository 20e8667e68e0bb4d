package dev.modelgateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelgateway.support.GatewayTestServer;

/** A gateway that cannot serve does not pretend to: start-up fails with a message an operator can act on. */
class StartupFailureTest {

    @Test
    void aTakenApiPortStopsStartUp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: "
                    + "{model: hosted_vllm/m, api_base: \"http://127.0.0.1:9/v1\"}\n", Map.of(), taken.getLocalPort()))
                    .hasStackTraceContaining("HTTP API port 127.0.0.1:" + taken.getLocalPort() + " is not free");
        }
    }

    @Test
    void aBrokenModelsFileStopsStartUpNamingTheField() {
        assertThatThrownBy(() -> GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {api_base: x}\n"))
                .hasStackTraceContaining("model_list[0] (model_name 'm'): litellm_params.model is missing");
    }
}
