package dev.modelgateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The model catalogue: models.yaml in LiteLLM's model_list form, plus {@code model_info.family}, the top-level
 * {@code features} map and {@code name_translations}. Entries sharing a model_name form a group: requests are spread
 * over it round-robin, and the other members are the fallbacks.
 */
public final class ModelCatalog {

    private final Map<String, List<ModelDeployment>> groups;
    private final Map<String, String> features;
    private final Map<String, AtomicInteger> cursors = new LinkedHashMap<>();
    private final NameTranslation translation;

    private ModelCatalog(Map<String, List<ModelDeployment>> groups, Map<String, String> features,
            NameTranslation translation) {
        this.groups = groups;
        this.features = features;
        this.translation = translation;
        groups.keySet().forEach(alias -> cursors.put(alias, new AtomicInteger()));
    }

    /** Reads the file; environment lookups go through {@code env} so tests need not touch the process environment. */
    public static ModelCatalog load(Path file, UnaryOperator<String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ModelCatalogException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(text);
        } catch (IOException e) {
            throw new ModelCatalogException(file + ": not valid YAML: " + e.getMessage());
        }
        return new Parser(file.toString(), env).parse(root);
    }

    public List<ModelDeployment> group(String alias) {
        return groups.get(alias);
    }

    /**
     * The group's deployments in the order to try them: the next in round-robin first, then the others as fallbacks.
     */
    public List<ModelDeployment> rotation(String alias) {
        List<ModelDeployment> members = groups.get(alias);
        if (members == null) {
            return null;
        }
        if (members.size() == 1) {
            return members;
        }
        int start = Math.floorMod(cursors.get(alias).getAndIncrement(), members.size());
        List<ModelDeployment> order = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            order.add(members.get((start + i) % members.size()));
        }
        return order;
    }

    /** A deployment whose identifier, as written or as served, is this one (a client may name a model that way). */
    public ModelDeployment byIdentifier(String identifier) {
        ModelIdentifier wanted = translation.translate(ModelIdentifier.parse(identifier));
        for (List<ModelDeployment> members : groups.values()) {
            for (ModelDeployment d : members) {
                if (d.identifier().equals(wanted)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** The alias mapped to a feature (code_completions, code_generations, chat ...), or null. */
    public String aliasForFeature(String feature) {
        return features.get(feature);
    }

    public Map<String, List<ModelDeployment>> groups() {
        return groups;
    }

    /** A deployment for a model named by a client with its own endpoint (custom models, contract 5.1). */
    public ModelDeployment adHoc(String identifier, String family, Map<String, String> params) {
        ModelIdentifier id = translation.translate(ModelIdentifier.parse(identifier));
        String fam = family == null || family.isBlank() ? ModelFamily.infer(id.name()) : family;
        return new ModelDeployment(identifier, id, fam, params);
    }

    private static final class Parser {
        private final String file;
        private final UnaryOperator<String> env;

        Parser(String file, UnaryOperator<String> env) {
            this.file = file;
            this.env = env;
        }

        ModelCatalog parse(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("the file must be a mapping with a model_list");
            }
            Map<String, String> overrides = stringMap(root.get("name_translations"), "name_translations");
            NameTranslation translation = NameTranslation.withOverrides(overrides);
            JsonNode list = root.get("model_list");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw fail("model_list is missing or empty");
            }
            Map<String, List<ModelDeployment>> groups = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                ModelDeployment d = entry(i, list.get(i), translation);
                groups.computeIfAbsent(d.alias(), k -> new ArrayList<>()).add(d);
            }
            groups.replaceAll((alias, members) -> List.copyOf(members));
            Map<String, String> features = stringMap(root.get("features"), "features");
            features.forEach((feature, alias) -> {
                if (!groups.containsKey(alias)) {
                    throw fail("features." + feature + ": names model '" + alias + "', which model_list does not have");
                }
            });
            return new ModelCatalog(Map.copyOf(groups), Map.copyOf(features), translation);
        }

        private ModelDeployment entry(int index, JsonNode node, NameTranslation translation) {
            String where = "model_list[" + index + "]";
            if (node == null || !node.isObject()) {
                throw fail(where + ": must be a mapping with model_name and litellm_params");
            }
            String alias = text(node, "model_name", where);
            where = where + " (model_name '" + alias + "')";
            JsonNode litellm = node.get("litellm_params");
            if (litellm == null || !litellm.isObject()) {
                throw fail(where + ": litellm_params is missing or not a mapping");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = litellm.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isContainerNode()) {
                    throw fail(where + ": litellm_params." + field.getKey() + " must be a single value");
                }
                if (!value.isNull()) {
                    params.put(field.getKey(), secret(value.asText(), where + ": litellm_params." + field.getKey()));
                }
            }
            String model = params.get("model");
            if (model == null || model.isBlank()) {
                throw fail(where + ": litellm_params.model is missing");
            }
            ModelIdentifier id;
            try {
                id = translation.translate(ModelIdentifier.parse(model));
            } catch (IllegalArgumentException e) {
                throw fail(where + ": litellm_params.model: " + e.getMessage());
            }
            String family = null;
            JsonNode info = node.get("model_info");
            if (info != null && !info.isNull()) {
                if (!info.isObject()) {
                    throw fail(where + ": model_info must be a mapping");
                }
                JsonNode fam = info.get("family");
                if (fam != null && !fam.isNull()) {
                    if (!fam.isTextual() || fam.asText().isBlank()) {
                        throw fail(where + ": model_info.family must be a non-empty string");
                    }
                    family = fam.asText();
                }
            }
            if (family == null) {
                family = ModelFamily.infer(id.name());
            }
            return new ModelDeployment(alias, id, family, params);
        }

        /** {@code os.environ/NAME} (LiteLLM) or {@code {{env:NAME}}}: read now, never echoed. */
        private String secret(String value, String where) {
            String name = null;
            if (value.startsWith("os.environ/")) {
                name = value.substring("os.environ/".length());
            } else if (value.startsWith("{{env:") && value.endsWith("}}")) {
                name = value.substring(6, value.length() - 2);
            }
            if (name == null) {
                return value;
            }
            String resolved = env.apply(name);
            if (resolved == null || resolved.isEmpty()) {
                throw fail(where + ": environment variable " + name + " is not set");
            }
            return resolved;
        }

        private String text(JsonNode node, String field, String where) {
            JsonNode value = node.get(field);
            if (value == null || !value.isValueNode() || value.asText().isBlank()) {
                throw fail(where + ": " + field + " is missing or not a string");
            }
            return value.asText().trim();
        }

        private Map<String, String> stringMap(JsonNode node, String name) {
            Map<String, String> map = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return map;
            }
            if (!node.isObject()) {
                throw fail(name + " must be a mapping");
            }
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode() || e.getValue().asText().isBlank()) {
                    throw fail(name + "." + e.getKey() + " must be a string");
                }
                map.put(e.getKey(), e.getValue().asText());
            });
            return map;
        }

        private ModelCatalogException fail(String message) {
            return new ModelCatalogException(file + ": " + message);
        }
    }
}
