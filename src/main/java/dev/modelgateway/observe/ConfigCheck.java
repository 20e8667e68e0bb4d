package dev.modelgateway.observe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.prompt.PromptRegistry;

/**
 * {@code java -jar target/model-gateway.jar check}, as operators use {@code nginx -t}: reads application.properties,
 * models.yaml, prompts/ and routes/ the way start-up does, without starting anything, and prints one line per problem
 * ({@code file: entry or line: what}). Exit code 0 when all is well, 1 otherwise.
 */
public final class ConfigCheck {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)(?::([^}]*))?}}");

    /** Settings whose values start-up parses: what they must look like. */
    private static final Map<String, String> TYPED = new LinkedHashMap<>();

    static {
        for (String k : List.of("camel.server.port", "camel.management.port", "gateway.request.max-body-bytes",
                "gateway.http.max-in-flight", "gateway.upstream.max-retries", "gateway.queue.consumers",
                "gateway.queue.max-consumers", "gateway.queue.max-attempts", "gateway.broker.port",
                "gateway.emulator.port", "gateway.http.event-loops")) {
            TYPED.put(k, "int");
        }
        for (String k : List.of("gateway.upstream.timeout", "gateway.upstream.first-token-timeout",
                "gateway.upstream.initial-backoff", "gateway.upstream.max-backoff", "gateway.http.idle-write-timeout",
                "gateway.queue.receive-timeout", "gateway.queue.redelivery-delay",
                "gateway.queue.max-redelivery-delay")) {
            TYPED.put(k, "duration");
        }
        for (String k : List.of("camel.server.enabled", "camel.management.enabled", "gateway.custom-models.enabled",
                "gateway.emulator.enabled", "gateway.queue.enabled", "gateway.reload.enabled",
                "gateway.auth.allow-anonymous")) {
            TYPED.put(k, "boolean");
        }
    }

    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> env;

    ConfigCheck(Map<String, String> env) {
        this.env = env;
    }

    /** The command: {@code check [--models]}; {@code mains} builds the gateway for --models. */
    public static int check(List<String> args, Function<Map<String, String>, Main> mains, PrintStream out) {
        return run(args, out, System.getenv(), mains);
    }

    /** Runs the check from the working directory; returns the exit code. */
    public static int run(List<String> args, PrintStream out, Map<String, String> env) {
        return run(args, out, env, null);
    }

    /** As {@link #run(List, PrintStream, Map)}; {@code mains} builds the gateway for {@code --models}. */
    public static int run(List<String> args, PrintStream out, Map<String, String> env,
            Function<Map<String, String>, Main> mains) {
        ConfigCheck check = new ConfigCheck(env);
        Path settings = Path.of(env.getOrDefault("GATEWAY_CONFIG", "application.properties"));
        Map<String, String> values = check.properties(settings);
        Path models = Path.of(value(values, "gateway.models-file", "models.yaml"));
        Path prompts = Path.of(value(values, "gateway.prompts-dir", "prompts"));
        Path routes = Path.of(env.getOrDefault("GATEWAY_ROUTES_DIR", "routes"));
        check.models(models);
        check.prompts(prompts);
        check.routes(routes);
        // the integrations start-up would run beside routes/ (--extra-routes, gateway.extra-routes)
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--extra-routes") && i + 1 < args.size()) {
                extra.add(args.get(++i));
            } else if (args.get(i).startsWith("--extra-routes=")) {
                extra.add(args.get(i).substring("--extra-routes=".length()));
            }
        }
        if (extra.isEmpty()) {
            for (String e : value(values, "gateway.extra-routes", "").split(",")) {
                if (!e.isBlank()) {
                    extra.add(e.trim());
                }
            }
        }
        extra.forEach(e -> check.extraRoutes(e));
        check.problems.forEach(out::println);
        if (check.problems.isEmpty()) {
            out.println("ok: " + settings + ", " + models + ", " + prompts + "/, " + routes + "/"
                    + (extra.isEmpty() ? "" : ", " + String.join(", ", extra)));
        }
        int code = check.problems.isEmpty() ? 0 : 1;
        if (code == 0 && args.contains("--models")) {
            if (mains == null) {
                throw new IllegalArgumentException("check --models needs the gateway's Main");
            }
            code = ModelsTable.run(out, mains);
        }
        return code;
    }

    List<String> problems() {
        return problems;
    }

    /** A line-by-line read (java.util.Properties forgets line numbers); {{env:NAME:default}} resolved. */
    Map<String, String> properties(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            problems.add(file + ": cannot be read (" + e.getMessage() + ")");
            return values;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = firstSeparator(line);
            if (eq < 0) {
                problems.add(file + ":" + (i + 1) + ": '" + line + "' is not 'key = value'");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String raw = line.substring(eq + 1).strip();
            String value = resolve(raw, values);
            values.put(key, value);
            String type = TYPED.get(key);
            if (type != null && value != null && !valid(type, value)) {
                problems.add(file + ":" + (i + 1) + ": " + key + " = '" + value + "' is not a " + describe(type));
            }
            if (key.equals("gateway.http.worker-threads")) {
                problems.add(file + ":" + (i + 1) + ": gateway.http.worker-threads is no longer used "
                        + "(gateway.http.max-in-flight bounds requests)");
            }
        }
        return values;
    }

    void models(Path file) {
        try {
            ModelCatalog.load(file, name -> env.getOrDefault(name, "set-at-start-up"));
        } catch (RuntimeException e) {
            problems.add(oneLine(e.getMessage()));
        }
    }

    void prompts(Path dir) {
        try {
            PromptRegistry.load(dir);
        } catch (RuntimeException e) {
            problems.add(oneLine(e.getMessage()));
        }
    }

    /** Each route file: YAML syntax, then Camel's own YAML DSL loader (unknown steps, bad keys), nothing started. */
    void routes(Path dir) {
        if (!Files.isDirectory(dir)) {
            problems.add(dir + ": the routes directory does not exist");
            return;
        }
        List<Path> files = routeFilesIn(dir);
        if (files != null) {
            routeFiles(files);
        }
    }

    /** An entry of gateway.extra-routes: a directory of .camel.yaml files or one such file, as start-up reads it. */
    void extraRoutes(String entry) {
        Path path = Path.of(entry);
        if (Files.isDirectory(path)) {
            List<Path> files = routeFilesIn(path);
            if (files != null && files.isEmpty()) {
                problems.add(path + ": gateway.extra-routes names a directory with no *.camel.yaml file");
            } else if (files != null) {
                routeFiles(files);
            }
        } else if (Files.isRegularFile(path) && entry.endsWith(".camel.yaml")) {
            routeFiles(List.of(path));
        } else {
            problems.add(path + ": gateway.extra-routes names neither a directory nor a .camel.yaml file");
        }
    }

    private List<Path> routeFilesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            problems.add(dir + ": cannot be read (" + e.getMessage() + ")");
            return null;
        }
    }

    private void routeFiles(List<Path> files) {
        YAMLMapper yaml = new YAMLMapper();
        // never started: the loader only parses and builds the route definitions
        DefaultCamelContext context = new DefaultCamelContext(false);
        {
            for (Path f : files) {
                try {
                    yaml.readTree(f.toFile());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    problems.add(f + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
                            + " not valid YAML: " + oneLine(e.getOriginalMessage()));
                    continue;
                } catch (IOException e) {
                    problems.add(f + ": cannot be read (" + e.getMessage() + ")");
                    continue;
                }
                try {
                    Resource r = ResourceHelper.resolveMandatoryResource(context, "file:" + f);
                    PluginHelper.getRoutesLoader(context).loadRoutes(r);
                } catch (Exception e) {
                    problems.add(f + ": " + oneLine(rootMessage(e)));
                }
            }
        }
    }

    private String resolve(String raw, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(sb);
        String s = sb.toString();
        // {{other.key}} refers to a key read above
        Matcher ref = Pattern.compile("\\{\\{([a-z0-9.\\-]+)}}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (ref.find()) {
            ref.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(ref.group(1), "")));
        }
        ref.appendTail(out);
        return out.toString();
    }

    private static int firstSeparator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon >= 0 && colon < eq && !line.substring(0, colon).contains("{") ? colon : eq;
    }

    static boolean valid(String type, String value) {
        String v = value.trim();
        return switch (type) {
            case "int" -> v.matches("\\d+");
            case "boolean" -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
            case "duration" -> v.matches("\\d+(\\.\\d+)?\\s*(ms|s)?");
            default -> true;
        };
    }

    private static String describe(String type) {
        return switch (type) {
            case "int" -> "whole number";
            case "boolean" -> "boolean (true or false)";
            case "duration" -> "duration (500ms, 30s, 60)";
            default -> type;
        };
    }

    private static String value(Map<String, String> values, String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
