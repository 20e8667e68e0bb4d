package dev.modelgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** Client tokens and provider keys never reach the log, from start-up to a failing call. */
class SecretsStayOutOfLogsTest {

    @Test
    void tokensAndKeysAreNotLogged() {
        StringWriter log = new StringWriter();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        WriterAppender appender = WriterAppender.newBuilder().setName("capture").setTarget(log)
                .setLayout(PatternLayout.newBuilder().withPattern("%m %ex%n").build()).build();
        appender.start();
        config.getRootLogger().addAppender(appender, null, null);
        ctx.updateLoggers();
        try (CaptureServer upstream = new CaptureServer().answerJson(401, "{\"error\":{\"message\":\"bad key\"}}");
                GatewayTestServer gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: "
                        + "{model: openai/m, api_base: \"" + upstream.baseUrl() + "/v1\", api_key: sk-provider-secret-42}\n",
                        Map.of("gateway.auth.tokens", "client-token-secret-17"))) {
            java.net.http.HttpResponse<String> r = GatewayTestServer.send(java.net.http.HttpRequest.newBuilder(
                    gateway.uri("/v1/chat/completions")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer client-token-secret-17")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).build());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).doesNotContain("sk-provider-secret-42").doesNotContain("client-token-secret-17");
        } finally {
            config.getRootLogger().removeAppender("capture");
            ctx.updateLoggers();
            appender.stop();
        }
        assertThat(log.toString()).contains("model-gateway: 1 models")
                .doesNotContain("client-token-secret-17").doesNotContain("sk-provider-secret-42");
    }
}
