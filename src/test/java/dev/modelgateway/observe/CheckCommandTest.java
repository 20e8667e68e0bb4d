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
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/model-gateway.jar check}: the shipped files pass (exit 0); a broken models.yaml, a prompt
 * template that does not parse, a route file with an unknown step and a bad setting each fail (exit 1) with one line
 * naming the file.
 */
class CheckCommandTest {

    @TempDir
    Path dir;
    Path settings;

    record Outcome(int code, List<String> lines) {
    }

    /** A copy of the shipped files, pointed at by the copied application.properties. */
    @BeforeEach
    void copyShippedFiles() throws IOException {
        copy(Path.of("prompts"), dir.resolve("prompts"));
        copy(Path.of("routes"), dir.resolve("routes"));
        Files.copy(Path.of("models.yaml"), dir.resolve("models.yaml"));
        settings = dir.resolve("application.properties");
        Files.writeString(settings, Files.readString(Path.of("application.properties"))
                .replace("{{env:GATEWAY_MODELS_FILE:models.yaml}}", dir.resolve("models.yaml").toString())
                .replace("{{env:GATEWAY_PROMPTS_DIR:prompts}}", dir.resolve("prompts").toString()));
    }

    Outcome check() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ConfigCheck.run(List.of("check"), new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of("GATEWAY_CONFIG", settings.toString(), "GATEWAY_ROUTES_DIR", dir.resolve("routes").toString()));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void theShippedFilesPass() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ConfigCheck.run(List.of("check"), new PrintStream(out, true, StandardCharsets.UTF_8), Map.of());
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ok: application.properties, models.yaml");
        assertThat(code).isZero();
        assertThat(check().code()).isZero();
    }

    @Test
    void aBrokenModelsYamlNamesTheFileAndTheEntry() throws IOException {
        Path models = dir.resolve("models.yaml");
        Files.writeString(models, Files.readString(models).replaceFirst("model: vertex_ai/codestral@2405",
                "modle: vertex_ai/codestral@2405"));
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).hasSize(1);
        assertThat(o.lines().get(0)).contains(models.toString()).contains("codestral");
    }

    @Test
    void aTemplateThatDoesNotParseNamesItsFile() throws IOException {
        Path template = dir.resolve("prompts/chat/explain_code/base/1.0.0.yml");
        Files.writeString(template, Files.readString(template).replaceFirst("\\{\\{", "{% if %}{{"));
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).hasSize(1);
        assertThat(o.lines().get(0)).contains("chat/explain_code/base/1.0.0.yml");
    }

    @Test
    void aRouteWithAnUnknownStepNamesTheFileAndLine() throws IOException {
        Path route = dir.resolve("routes/provider-azure.camel.yaml");
        Files.writeString(route, Files.readString(route).replaceFirst("- process:", "- proces:"));
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).hasSize(1);
        assertThat(o.lines().get(0)).startsWith(route.toString()).contains("proces").contains("line");
    }

    @Test
    void aRouteFileThatIsNotYamlNamesTheFileAndLine() throws IOException {
        Path route = dir.resolve("routes/extra.camel.yaml");
        Files.writeString(route, "- route:\n    id: x\n   from: [\n");
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).singleElement().asString().startsWith(route + ":").contains("not valid YAML");
    }

    @Test
    void aSettingThatIsNotANumberNamesTheLine() throws IOException {
        Files.writeString(settings, Files.readString(settings).replace("gateway.upstream.max-retries = 2",
                "gateway.upstream.max-retries = two"));
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).singleElement().asString().startsWith(settings + ":")
                .contains("gateway.upstream.max-retries").contains("whole number");
    }

    @Test
    void theExamplesPassAndABrokenExtraRouteNamesItsFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ConfigCheck.run(List.of("check", "--extra-routes", "examples/file-drop", "--extra-routes",
                "examples/queue-to-http"), new PrintStream(out, true, StandardCharsets.UTF_8), Map.of());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("examples/file-drop, examples/queue-to-http");
        assertThat(code).isZero();

        Path extra = dir.resolve("integration");
        Files.createDirectories(extra);
        Path route = extra.resolve("mine.camel.yaml");
        Files.writeString(route, Files.readString(Path.of("examples/file-drop/file-drop.camel.yaml"))
                .replaceFirst("- setProperty:", "- setPropertee:"));
        Files.writeString(settings, Files.readString(settings).replace("{{env:GATEWAY_EXTRA_ROUTES:}}",
                extra.toString()));
        Outcome o = check();
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.lines()).singleElement().asString().startsWith(route.toString()).contains("setPropertee");

        Files.writeString(settings, Files.readString(settings).replace(extra.toString(), dir.resolve("nowhere")
                .toString()));
        assertThat(check().lines()).singleElement().asString().contains("nowhere")
                .contains("neither a directory nor a .camel.yaml file");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
