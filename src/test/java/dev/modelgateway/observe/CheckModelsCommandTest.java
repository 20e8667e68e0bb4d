package dev.modelgateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.App;
import dev.modelgateway.support.GatewayTestServer;

/**
 * {@code check --models}: the shipped catalogue, served by the emulator, passes (exit 0) with one table row per
 * deployment; a deployment that cannot answer makes it exit 1 with that row FAILED. Runs the command's own code path
 * (ConfigCheck, then the gateway started on ports of its own choosing), with a copy of the shipped files whose
 * emulator sits on a free port.
 */
class CheckModelsCommandTest {

    @TempDir
    Path dir;
    Path settings;
    int emulator;

    @BeforeEach
    void copyShippedFiles() throws IOException {
        emulator = GatewayTestServer.freePort();
        Files.writeString(dir.resolve("models.yaml"), Files.readString(Path.of("models.yaml"))
                .replace("127.0.0.1:8090", "127.0.0.1:" + emulator));
        settings = dir.resolve("application.properties");
        Files.writeString(settings, Files.readString(Path.of("application.properties"))
                .replace("{{env:GATEWAY_MODELS_FILE:models.yaml}}", dir.resolve("models.yaml").toString())
                .replace("{{env:GATEWAY_EMULATOR_PORT:8090}}", String.valueOf(emulator)));
    }

    /** What App does for {@code check}: the gateway's Main over this settings file, the command's settings on top. */
    Function<Map<String, String>, Main> mains() {
        return overrides -> {
            Main main = new Main(App.class);
            main.setPropertyPlaceholderLocations("file:" + settings + ",classpath:gateway-defaults.properties");
            Properties p = new Properties();
            p.putAll(overrides);
            main.setOverrideProperties(p);
            return main;
        };
    }

    record Outcome(int code, List<String> lines) {
    }

    Outcome checkModels() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ConfigCheck.run(List.of("check", "--models"), new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of("GATEWAY_CONFIG", settings.toString()), mains());
        return new Outcome(code, out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void theShippedModelsAllAnswerThroughTheEmulator() {
        Outcome o = checkModels();
        assertThat(o.lines()).as(String.join("\n", o.lines())).anySatisfy(l -> assertThat(l).startsWith("MODEL"));
        for (String alias : List.of("codestral", "llama", "claude-bedrock", "llama-bedrock", "gpt-4o",
                "codestral-azure")) {
            assertThat(o.lines()).as(alias).anySatisfy(l -> assertThat(l).startsWith(alias + " ").contains(" ok "));
        }
        assertThat(o.lines()).noneMatch(l -> l.contains("FAILED") || l.contains("could not run"));
        assertThat(o.code()).isZero();
    }

    @Test
    void aDeploymentThatCannotAnswerFailsTheCommandOnItsRow() throws IOException {
        int nothing = GatewayTestServer.freePort();
        Path models = dir.resolve("models.yaml");
        Files.writeString(models, Files.readString(models).replace("api_base: http://127.0.0.1:" + emulator
                + "/openai/v1", "api_base: http://127.0.0.1:" + nothing + "/openai/v1"));
        Outcome o = checkModels();
        assertThat(o.lines()).as(String.join("\n", o.lines()))
                .anySatisfy(l -> assertThat(l).startsWith("llama ").contains("FAILED"))
                .anySatisfy(l -> assertThat(l).startsWith("codestral ").contains(" ok "));
        assertThat(o.code()).isEqualTo(1);
    }
}
