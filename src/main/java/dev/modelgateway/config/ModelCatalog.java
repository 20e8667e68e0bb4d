package dev.modelgateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.modelgateway.suggestions.SuggestionSettings;

/**
 * The model catalogue: models.yaml in LiteLLM's model_list form, plus {@code model_info.family}, the top-level
 * {@code features} map and {@code name_translations}. Entries sharing a model_name form a group, ordered per request by
 * the router ({@link RouterSettings}). A LiteLLM proxy config.yaml is read as is: the keys of contract 4.1 are honoured,
 * every other key is listed in {@link #warnings()} (one line each), so nothing is dropped silently.
 */
public final class ModelCatalog {

    private final Map<String, List<ModelDeployment>> groups;
    private final Map<String, String> features;
    private final NameTranslation translation;
    private final RouterSettings router;
    private final String masterKey;
    private final List<String> warnings;

    private ModelCatalog(Map<String, List<ModelDeployment>> groups, Map<String, String> features,
            NameTranslation translation, RouterSettings router, String masterKey, List<String> warnings) {
        this.groups = groups;
        this.features = features;
        this.translation = translation;
        this.router = router;
        this.masterKey = masterKey;
        this.warnings = List.copyOf(warnings);
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

    /** A group by its name or by a {@code router_settings.model_group_alias} of it; null when there is none. */
    public List<ModelDeployment> groupOrAlias(String name) {
        List<ModelDeployment> members = groups.get(name);
        if (members == null && router.groupAlias().containsKey(name)) {
            members = groups.get(router.groupAlias().get(name));
        }
        return members;
    }

    public RouterSettings router() {
        return router;
    }

    /** {@code general_settings.master_key}: one more accepted client token, or null. */
    public String masterKey() {
        return masterKey;
    }

    /** One line per key or section of the file that model-gateway does not use (logged as WARN at load). */
    public List<String> warnings() {
        return warnings;
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

    /** The features map: feature (or prompt id) -> alias. */
    public Map<String, String> features() {
        return java.util.Collections.unmodifiableMap(features);
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

    /** litellm_params keys some provider reads (besides the router's own). */
    static final Set<String> PROVIDER_KEYS = Set.of("model", "api_base", "api_key", "api_version", "drop_params",
            "extra_parameters", "fim_mode", "ssl_verify", "vertex_project", "vertex_ai_project", "vertex_location",
            "vertex_ai_location", "vertex_credentials", "aws_access_key_id", "aws_secret_access_key",
            "aws_session_token", "aws_region_name", "region_name", "aws_profile_name", "aws_role_name",
            "aws_session_name", "aws_sts_endpoint", "aws_bedrock_runtime_endpoint", "azure_ad_token",
            "azure_authority_host", "azure_scope", "azure_use_managed_identity", "client_id", "client_secret",
            "tenant_id");
    /** litellm_params keys of the router (contract 4.1): numbers, checked at load. */
    static final Set<String> ROUTER_KEYS = Set.of("timeout", "stream_timeout", "max_retries", "rpm", "tpm", "order",
            "weight");
    static final Set<String> SECTIONS = Set.of("model_list", "features", "name_translations", "general_settings",
            "router_settings", "litellm_settings");

    private static final class Parser {
        private final String file;
        private final UnaryOperator<String> env;
        /** unused key -> where it was seen, in file order */
        private final Map<String, Set<String>> unused = new TreeMap<>();

        Parser(String file, UnaryOperator<String> env) {
            this.file = file;
            this.env = env;
        }

        ModelCatalog parse(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("the file must be a mapping with a model_list");
            }
            root.fieldNames().forEachRemaining(section -> {
                if (!SECTIONS.contains(section)) {
                    unused.computeIfAbsent(section, k -> new LinkedHashSet<>()).add("top-level section");
                }
            });
            Map<String, String> overrides = stringMap(root.get("name_translations"), "name_translations");
            NameTranslation translation = NameTranslation.withOverrides(overrides);
            JsonNode general = section(root, "general_settings");
            JsonNode routerNode = section(root, "router_settings");
            JsonNode litellm = section(root, "litellm_settings");
            String masterKey = null;
            for (Iterator<String> it = general.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (key.equals("master_key")) {
                    JsonNode v = general.get(key);
                    if (!v.isNull()) {
                        if (!v.isValueNode() || v.asText().isBlank()) {
                            throw fail("general_settings.master_key must be a string");
                        }
                        masterKey = secret(v.asText(), "general_settings.master_key");
                    }
                } else {
                    unused.computeIfAbsent("general_settings." + key, k -> new LinkedHashSet<>());
                }
            }
            Defaults defaults = defaults(routerNode, litellm);
            JsonNode list = root.get("model_list");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw fail("model_list is missing or empty");
            }
            Map<String, List<ModelDeployment>> groups = new LinkedHashMap<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String name = list.get(i) != null && list.get(i).path("model_name").isValueNode()
                        ? list.get(i).get("model_name").asText().trim() : "";
                int index = groups.getOrDefault(name, List.of()).size();
                ModelDeployment d = entry(i, index, list.get(i), translation, defaults);
                if (!ids.add(d.id())) {
                    throw fail("model_list[" + i + "]: model_info.id '" + d.id() + "' is used by another entry");
                }
                groups.computeIfAbsent(d.alias(), k -> new ArrayList<>()).add(d);
            }
            groups.replaceAll((alias, members) -> List.copyOf(members));
            Map<String, String> features = stringMap(root.get("features"), "features");
            features.forEach((feature, alias) -> {
                if (!groups.containsKey(alias)) {
                    throw fail("features." + feature + ": names model '" + alias + "', which model_list does not have");
                }
            });
            RouterSettings router = router(routerNode, litellm, groups.keySet());
            List<String> warnings = new ArrayList<>();
            unused.forEach((key, where) -> warnings.add(file + ": " + key
                    + (where.isEmpty() ? "" : " (" + String.join(", ", where) + ")")
                    + " is not used by model-gateway"));
            return new ModelCatalog(Map.copyOf(groups), Map.copyOf(features), translation, router, masterKey,
                    warnings);
        }

        /** num_retries, timeout / request_timeout and drop_params: defaults for every deployment. */
        private record Defaults(Map<String, String> params) {
        }

        private Defaults defaults(JsonNode router, JsonNode litellm) {
            Map<String, String> params = new LinkedHashMap<>();
            for (JsonNode section : List.of(litellm, router)) {
                String name = section == router ? "router_settings" : "litellm_settings";
                number(section, "num_retries", name).ifPresent(v -> params.put("max_retries", v));
                number(section, "request_timeout", name).ifPresent(v -> params.put("timeout", v));
                number(section, "timeout", name).ifPresent(v -> params.put("timeout", v));
                number(section, "stream_timeout", name).ifPresent(v -> params.put("stream_timeout", v));
            }
            JsonNode drop = litellm.get("drop_params");
            if (drop != null && !drop.isNull()) {
                if (!drop.isBoolean()) {
                    throw fail("litellm_settings.drop_params must be true or false");
                }
                params.put("drop_params", drop.asText());
            }
            return new Defaults(params);
        }

        private static final Set<String> ROUTER_SECTION_KEYS = Set.of("routing_strategy", "num_retries", "timeout",
                "stream_timeout", "allowed_fails", "cooldown_time", "fallbacks", "context_window_fallbacks",
                "content_policy_fallbacks", "model_group_alias");
        private static final Set<String> LITELLM_SECTION_KEYS = Set.of("num_retries", "timeout", "request_timeout",
                "stream_timeout", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "drop_params");

        private RouterSettings router(JsonNode router, JsonNode litellm, Set<String> groups) {
            router.fieldNames().forEachRemaining(k -> {
                if (!ROUTER_SECTION_KEYS.contains(k)) {
                    unused.computeIfAbsent("router_settings." + k, x -> new LinkedHashSet<>());
                }
            });
            litellm.fieldNames().forEachRemaining(k -> {
                if (!LITELLM_SECTION_KEYS.contains(k)) {
                    unused.computeIfAbsent("litellm_settings." + k, x -> new LinkedHashSet<>());
                }
            });
            RouterSettings d = RouterSettings.DEFAULTS;
            String strategy = d.strategy();
            JsonNode s = router.get("routing_strategy");
            if (s != null && !s.isNull()) {
                if (!s.isTextual() || !RouterSettings.STRATEGIES.contains(s.asText())) {
                    throw fail("router_settings.routing_strategy must be one of " + RouterSettings.STRATEGIES
                            + " (model-gateway does not implement '" + s.asText() + "')");
                }
                strategy = s.asText();
            }
            int allowedFails = number(router, "allowed_fails", "router_settings").map(v -> (int) Double.parseDouble(v))
                    .orElse(d.allowedFails());
            Duration cooldown = number(router, "cooldown_time", "router_settings")
                    .map(v -> Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000))).orElse(d.cooldown());
            Map<String, List<String>> fallbacks = fallbacks("fallbacks", router, litellm, groups);
            Map<String, List<String>> window = fallbacks("context_window_fallbacks", router, litellm, groups);
            Map<String, List<String>> policy = fallbacks("content_policy_fallbacks", router, litellm, groups);
            Map<String, String> alias = new LinkedHashMap<>();
            JsonNode a = router.get("model_group_alias");
            if (a != null && !a.isNull()) {
                if (!a.isObject()) {
                    throw fail("router_settings.model_group_alias must be a mapping {alias: group}");
                }
                a.fields().forEachRemaining(e -> {
                    // LiteLLM accepts "group" or {model: group, hidden: bool}
                    JsonNode v = e.getValue().isObject() ? e.getValue().get("model") : e.getValue();
                    String where = "router_settings.model_group_alias." + e.getKey();
                    if (v == null || !v.isTextual() || !groups.contains(v.asText())) {
                        throw fail(where + ": must name a model_name of model_list");
                    }
                    if (groups.contains(e.getKey())) {
                        throw fail(where + ": is already a model_name of model_list");
                    }
                    alias.put(e.getKey(), v.asText());
                });
            }
            return new RouterSettings(strategy, allowedFails, cooldown, fallbacks, window, policy, alias);
        }

        /** {@code [{"group": ["fallback", ...]}, ...]} from router_settings, else litellm_settings. */
        private Map<String, List<String>> fallbacks(String key, JsonNode router, JsonNode litellm,
                Set<String> groups) {
            String where = "router_settings." + key;
            JsonNode node = router.get(key);
            if (node == null || node.isNull()) {
                where = "litellm_settings." + key;
                node = litellm.get(key);
            }
            Map<String, List<String>> map = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return map;
            }
            if (!node.isArray()) {
                throw fail(where + " must be a list of {group: [fallback groups]}");
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isObject()) {
                    throw fail(where + "[" + i + "] must be a mapping {group: [fallback groups]}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String at = where + "[" + i + "]." + e.getKey();
                    if (!groups.contains(e.getKey())) {
                        throw fail(at + ": '" + e.getKey() + "' is not a model_name of model_list");
                    }
                    List<String> targets = new ArrayList<>();
                    JsonNode list = e.getValue().isTextual() ? new YAMLMapper().createArrayNode().add(e.getValue())
                            : e.getValue();
                    if (!list.isArray()) {
                        throw fail(at + " must be a list of model names");
                    }
                    for (JsonNode t : list) {
                        if (!t.isTextual() || !groups.contains(t.asText())) {
                            throw fail(at + ": '" + t.asText() + "' is not a model_name of model_list");
                        }
                        targets.add(t.asText());
                    }
                    map.put(e.getKey(), List.copyOf(targets));
                }
            }
            return map;
        }

        private JsonNode section(JsonNode root, String name) {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                return new YAMLMapper().createObjectNode();
            }
            if (!node.isObject()) {
                throw fail(name + " must be a mapping");
            }
            return node;
        }

        /** A positive number, as text; fails naming the key when it is something else. */
        private java.util.Optional<String> number(JsonNode section, String key, String where) {
            JsonNode v = section.get(key);
            if (v == null || v.isNull()) {
                return java.util.Optional.empty();
            }
            String text = v.asText().trim();
            try {
                if (!v.isValueNode() || Double.parseDouble(text) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw fail(where + "." + key + " must be a number >= 0, not '" + text + "'");
            }
            return java.util.Optional.of(text);
        }

        private ModelDeployment entry(int index, int inGroup, JsonNode node, NameTranslation translation,
                Defaults defaults) {
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
            JsonNode info = node.get("model_info");
            if (info != null && !info.isNull() && !info.isObject()) {
                throw fail(where + ": model_info must be a mapping");
            }
            String deploymentId = alias + "#" + inGroup;
            JsonNode given = info == null ? null : info.get("id");
            if (given != null && !given.isNull()) {
                if (!given.isValueNode() || given.asText().isBlank()) {
                    throw fail(where + ": model_info.id must be a non-empty string");
                }
                deploymentId = given.asText().trim();
            }
            String deployment = deploymentId;
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
                if (field.getKey().equals(ModelDeployment.CONNECT_TO)) {
                    throw fail(where + ": litellm_params." + field.getKey() + " is reserved");
                }
                if (ROUTER_KEYS.contains(field.getKey())) {
                    number(litellm, field.getKey(), where + ": litellm_params");
                } else if (!PROVIDER_KEYS.contains(field.getKey())) {
                    unused.computeIfAbsent("litellm_params." + field.getKey(), k -> new LinkedHashSet<>())
                            .add(deployment);
                }
            }
            defaults.params().forEach(params::putIfAbsent);
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
            if (info != null && !info.isNull()) {
                info.fieldNames().forEachRemaining(k -> {
                    if (!k.equals("family") && !k.equals("id") && !SuggestionSettings.KEYS.contains(k)) {
                        unused.computeIfAbsent("model_info." + k, x -> new LinkedHashSet<>()).add(deployment);
                    }
                });
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
            SuggestionSettings suggestions;
            try {
                suggestions = SuggestionSettings.parse(info);
            } catch (IllegalArgumentException e) {
                throw fail(where + ": " + e.getMessage());
            }
            return new ModelDeployment(alias, id, family, params, deploymentId, suggestions);
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
