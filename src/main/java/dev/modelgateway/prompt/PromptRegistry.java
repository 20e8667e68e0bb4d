package dev.modelgateway.prompt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.semver4j.Semver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.FimPrompt;
import dev.modelgateway.provider.GenerationParams;

/**
 * The prompt registry in GitLab AI Gateway's layout: {@code <root>/<prompt_id>/<family>/<semver>.yml}. Every file is
 * read and every template parsed at start-up; a request only picks a definition and renders it.
 */
public final class PromptRegistry {

    public static final String DEFAULT_CONSTRAINT = "^1.0.0";
    private static final String BASE = "base";

    private final Jinjava jinjava;
    /** prompt id -> family -> definitions, highest version first. */
    private final Map<String, Map<String, List<PromptDefinition>>> prompts;

    private PromptRegistry(Jinjava jinjava, Map<String, Map<String, List<PromptDefinition>>> prompts) {
        this.jinjava = jinjava;
        this.prompts = prompts;
    }

    public static PromptRegistry load(Path root) {
        if (!Files.isDirectory(root)) {
            throw new PromptRegistryException(root + ": the prompt registry directory does not exist");
        }
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        Map<String, Map<String, List<PromptDefinition>>> prompts = new LinkedHashMap<>();
        List<Path> files;
        // a Kubernetes ConfigMap mount: the visible directories are symlinks into ..data -> ..<timestamp>/, so links are
        // followed and the ..* entries skipped (else every prompt would be read twice, once under a ..<timestamp> id)
        try (Stream<Path> walk = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            files = walk.filter(p -> !root.relativize(p).toString().startsWith(".."))
                    .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        YAMLMapper yaml = new YAMLMapper();
        for (Path file : files) {
            PromptDefinition def = PromptFile.parse(root, file, yaml, jinjava);
            prompts.computeIfAbsent(def.id(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(def.family(), k -> new ArrayList<>()).add(def);
        }
        prompts.values().forEach(families -> families.values()
                .forEach(list -> list.sort(Comparator.comparing(PromptDefinition::version).reversed())));
        return new PromptRegistry(jinjava, prompts);
    }

    public boolean contains(String promptId) {
        return prompts.containsKey(promptId);
    }

    public Map<String, Map<String, List<PromptDefinition>>> all() {
        return prompts;
    }

    /** The family's lookup chain (contract section 6). */
    public static List<String> chain(String family) {
        return switch (family) {
            case "codestral" -> List.of("codestral", "mistral", BASE);
            case "mixtral" -> List.of("mixtral", "mistral", BASE);
            case BASE -> List.of(BASE);
            default -> List.of(family, BASE);
        };
    }

    /**
     * The definition to use: the first family of the chain that has a version matching the constraint, and its highest
     * such version. Pre-releases match only a constraint that names them exactly.
     */
    public PromptDefinition resolve(String promptId, String family, String constraint) {
        Map<String, List<PromptDefinition>> families = prompts.get(promptId);
        if (families == null) {
            throw GatewayException.notFound("unknown prompt '" + promptId + "'");
        }
        String wanted = constraint == null || constraint.isBlank() ? DEFAULT_CONSTRAINT : constraint.trim();
        for (String fam : chain(family == null ? BASE : family)) {
            for (PromptDefinition def : families.getOrDefault(fam, List.of())) {
                if (matches(def.version(), wanted)) {
                    return def;
                }
            }
        }
        throw GatewayException.notFound("prompt '" + promptId + "' has no version matching '" + wanted
                + "' for model family '" + family + "' or its fallbacks " + chain(family == null ? BASE : family));
    }

    static boolean matches(Semver version, String constraint) {
        String exact = constraint.startsWith("=") ? constraint.substring(1).trim() : constraint;
        if (!version.getPreRelease().isEmpty()) {
            return version.getVersion().equals(exact);
        }
        try {
            return version.satisfies(constraint);
        } catch (RuntimeException badRange) {
            throw GatewayException.unprocessable("prompt_version '" + constraint + "' is not a semver constraint");
        }
    }

    /** Renders the definition: 422 naming the first missing required input. */
    public RenderedPrompt render(PromptDefinition def, Map<String, ?> inputs) {
        for (String required : def.requiredInputs()) {
            Object value = inputs.get(required);
            if (value == null) {
                throw GatewayException.unprocessable("input '" + required + "' is required by prompt '" + def.id() + "'");
            }
        }
        Context context = new Context(jinjava.getGlobalContext(), inputs);
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            if (def.isFim()) {
                Node suffix = def.templates().get("suffix");
                FimPrompt fim = new FimPrompt(render(interpreter, def, def.templates().get("prefix")),
                        suffix == null ? "" : render(interpreter, def, suffix));
                return new RenderedPrompt(def, null, fim, def.params());
            }
            List<ChatMessage> messages = new ArrayList<>(3);
            for (String role : PromptDefinition.ROLES) {
                Node template = def.templates().get(role);
                if (template != null) {
                    messages.add(new ChatMessage(role, render(interpreter, def, template)));
                }
            }
            return new RenderedPrompt(def, messages, null, def.params());
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    private static String render(JinjavaInterpreter interpreter, PromptDefinition def, Node template) {
        String out = interpreter.render(template);
        for (TemplateError error : interpreter.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new GatewayException(500, "prompt_error",
                        "prompt '" + def.id() + "' (" + def.source() + ") failed to render: " + error.getMessage());
            }
        }
        return out;
    }

    /** Parses one definition file. */
    static final class PromptFile {
        private PromptFile() {
        }

        static PromptDefinition parse(Path root, Path file, YAMLMapper yaml, Jinjava jinjava) {
            Path rel = root.relativize(file);
            String where = file.toString();
            if (rel.getNameCount() < 3) {
                throw new PromptRegistryException(where + ": expected <prompt_id>/<family>/<version>.yml");
            }
            String fileName = rel.getFileName().toString();
            String versionText = fileName.substring(0, fileName.lastIndexOf('.'));
            Semver version = Semver.parse(versionText);
            if (version == null) {
                throw new PromptRegistryException(where + ": '" + versionText + "' is not a semantic version");
            }
            String family = rel.getName(rel.getNameCount() - 2).toString();
            String id = rel.subpath(0, rel.getNameCount() - 2).toString().replace('\\', '/');
            JsonNode node;
            try {
                node = yaml.readTree(file.toFile());
            } catch (IOException e) {
                throw new PromptRegistryException(where + ": not valid YAML: " + e.getMessage());
            }
            if (node == null || !node.isObject()) {
                throw new PromptRegistryException(where + ": must be a mapping with name and prompt_template");
            }
            JsonNode templateNode = node.get("prompt_template");
            if (templateNode == null || !templateNode.isObject() || templateNode.isEmpty()) {
                throw new PromptRegistryException(where + ": prompt_template is missing or empty");
            }
            JinjavaInterpreter parser = jinjava.newInterpreter();
            Map<String, Node> templates = new LinkedHashMap<>();
            templateNode.fields().forEachRemaining(e -> {
                String key = e.getKey();
                if (!PromptDefinition.ROLES.contains(key) && !key.equals("prefix") && !key.equals("suffix")) {
                    throw new PromptRegistryException(where + ": prompt_template." + key
                            + " is not a role (system, user, assistant) nor prefix/suffix");
                }
                try {
                    templates.put(key, parser.parse(e.getValue().asText()));
                    // Jinjava's parser records syntax errors instead of throwing them
                    parser.getErrorsCopy().stream()
                            .filter(err -> err.getSeverity() == com.hubspot.jinjava.interpret.TemplateError
                                    .ErrorType.FATAL)
                            .findFirst().ifPresent(err -> {
                                throw new PromptRegistryException(where + ": prompt_template." + key
                                        + " does not parse (template line " + err.getLineno() + "): "
                                        + err.getMessage());
                            });
                } catch (PromptRegistryException ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    throw new PromptRegistryException(where + ": prompt_template." + key + " does not parse: "
                            + ex.getMessage());
                }
            });
            if (templates.containsKey("suffix") && !templates.containsKey("prefix")) {
                throw new PromptRegistryException(where + ": prompt_template.suffix needs a prefix");
            }
            JsonNode modelParams = node.path("model").path("params");
            JsonNode params = node.path("params");
            GenerationParams gen = new GenerationParams(
                    modelParams.has("max_tokens") ? modelParams.get("max_tokens").asInt() : null,
                    modelParams.has("temperature") ? modelParams.get("temperature").asDouble() : null,
                    modelParams.has("top_p") ? modelParams.get("top_p").asDouble() : null,
                    stops(modelParams.has("stop") ? modelParams.get("stop") : params.get("stop")));
            Double timeout = params.has("timeout") ? params.get("timeout").asDouble() : null;
            List<String> required = new ArrayList<>();
            node.path("inputs").forEach(n -> required.add(n.asText()));
            String name = node.path("name").asText(id);
            JsonNode tools = node.get("tools");
            if (tools != null && !tools.isNull()) {
                if (!tools.isArray()) {
                    throw new PromptRegistryException(where + ": tools must be a list of OpenAI function tools");
                }
                for (int i = 0; i < tools.size(); i++) {
                    if (!"function".equals(tools.get(i).path("type").asText())
                            || !tools.get(i).path("function").path("name").isTextual()) {
                        throw new PromptRegistryException(where + ": tools[" + i + "] must be {type: function, "
                                + "function: {name, description, parameters}}");
                    }
                }
            } else {
                tools = null;
            }
            return new PromptDefinition(id, family, version, name, gen, timeout, Map.copyOf(templates),
                    List.copyOf(required), rel.toString(), tools);
        }

        private static List<String> stops(JsonNode stop) {
            if (stop == null || stop.isNull()) {
                return null;
            }
            List<String> list = new ArrayList<>();
            if (stop.isArray()) {
                stop.forEach(s -> list.add(s.asText()));
            } else {
                list.add(stop.asText());
            }
            return list;
        }
    }
}
