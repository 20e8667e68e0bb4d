package dev.modelgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The tests run the examples on the test classpath, which has more Camel components than target/lib: every component
 * an example's route uses must be a runtime dependency in pom.xml, or `java -jar ... --extra-routes` fails at start-up
 * ("No endpoint could be found for: file://...") though the tests pass. Each README's command is the one that runs it.
 */
class ExamplesRunFromTheJarTest {

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("examples"))) {
            return files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @Test
    void everyComponentAnExampleUsesIsARuntimeDependency() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        List<String> schemes = new ArrayList<>();
        for (Path file : routeFiles()) {
            Matcher uri = Pattern.compile("(?m)^\\s*uri:\\s*\"?([a-z][a-z0-9-]*):").matcher(Files.readString(file));
            while (uri.find()) {
                schemes.add(uri.group(1));
            }
        }
        assertThat(schemes).contains("file", "kamelet", "vertx-http", "jms");
        for (String scheme : schemes) {
            Matcher dependency = Pattern.compile("<dependency>((?:(?!</dependency>).)*<artifactId>camel-"
                    + Pattern.quote(scheme) + "</artifactId>(?:(?!</dependency>).)*)</dependency>", Pattern.DOTALL)
                    .matcher(pom);
            assertThat(dependency.find()).as("pom.xml has camel-" + scheme).isTrue();
            assertThat(dependency.group(1)).as("camel-" + scheme + " is not test-only").doesNotContain("<scope>test");
        }
    }

    @Test
    void eachReadmeRunsItsExampleWithTheGatewaysRunCommand() throws IOException {
        for (Path file : routeFiles()) {
            Path dir = file.getParent();
            String readme = Files.readString(dir.resolve("README.md"));
            assertThat(readme).contains("mvn -q -DskipTests package && java -jar target/model-gateway.jar "
                    + "--extra-routes " + dir.toString().replace('\\', '/') + "\n");
        }
        assertThat(Files.readString(Path.of("README.md")))
                .contains("mvn -q -DskipTests package && java -jar target/model-gateway.jar\n");
    }
}
