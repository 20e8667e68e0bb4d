package dev.modelgateway.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.reload.Current;
import dev.modelgateway.config.ModelFamily;
import dev.modelgateway.config.ModelIdentifier;

/**
 * Picks the deployments that serve a request: a models.yaml alias, a known identifier, the feature's default, or (only
 * when the operator allows it, and only for allowed endpoints) a model the client points at itself. Refusing unknown
 * endpoints is what keeps the gateway from being an SSRF relay for its callers.
 */
public final class ModelResolver {

    private static final java.util.Set<String> OPENAI_COMPATIBLE = java.util.Set.of("custom_openai", "openai",
            "hosted_vllm", "ollama");
    /** Providers a client names without an endpoint: reached with the gateway's own credentials. */
    private static final Set<String> GATEWAY_CREDENTIALS = Set.of("bedrock", "vertex_ai");
    /** The settings of a models.yaml deployment that say how the gateway reaches its provider, not which model. */
    private static final Pattern PROVIDER_SETTING = Pattern.compile("aws_.*|region_name|vertex_.*|api_base");

    private final Current<ModelCatalog> catalog;
    private final boolean customModelsEnabled;
    private final AllowedEndpoints allowedEndpoints;

    /** {@code catalog} is read once per call: a models.yaml edit swapped in meanwhile applies from the next request. */
    public ModelResolver(Current<ModelCatalog> catalog, boolean customModelsEnabled, List<String> allowedEndpoints) {
        this(catalog, customModelsEnabled, new AllowedEndpoints(allowedEndpoints));
    }

    public ModelResolver(Current<ModelCatalog> catalog, boolean customModelsEnabled, AllowedEndpoints allowed) {
        this.catalog = catalog;
        this.customModelsEnabled = customModelsEnabled;
        this.allowedEndpoints = allowed;
    }

    /** The catalogue loaded now. */
    public ModelCatalog catalog() {
        return catalog.get();
    }

    /** The deployments behind an alias (OpenAI-style {@code model}), in the order to try them. */
    public List<ModelDeployment> byAlias(String alias) {
        return byAlias(catalog.get(), alias);
    }

    private static List<ModelDeployment> byAlias(ModelCatalog catalog, String alias) {
        if (alias == null || alias.isBlank()) {
            throw GatewayException.unprocessable("field 'model' is required");
        }
        List<ModelDeployment> group = catalog.groupOrAlias(alias);
        if (group != null) {
            return group;
        }
        ModelDeployment known = catalog.byIdentifier(alias);
        if (known != null) {
            return List.of(known);
        }
        throw GatewayException.notFound("unknown model '" + alias + "'; this gateway serves " + catalog.groups().keySet());
    }

    /**
     * The deployments for a request that may name its model (AI Gateway's model_* fields or model_metadata), falling
     * back to the model mapped to the feature.
     */
    public List<ModelDeployment> forRequest(String identifier, String name, String endpoint, String apiKey,
            String feature) {
        ModelCatalog catalog = this.catalog.get();
        String provider = providerOf(identifier);
        if (provider != null && GATEWAY_CREDENTIALS.contains(provider)) {
            return cloud(catalog, identifier.trim(), name);
        }
        boolean custom = notBlank(endpoint) || notBlank(apiKey);
        if (custom) {
            return List.of(custom(catalog, identifier, name, endpoint, apiKey));
        }
        if (notBlank(identifier)) {
            return byAlias(catalog, identifier);
        }
        if (notBlank(name) && catalog.groupOrAlias(name) != null) {
            return byAlias(catalog, name);
        }
        String alias = catalog.aliasForFeature(feature);
        if (alias == null) {
            throw GatewayException.notFound("no model is configured for feature '" + feature
                    + "' (set features." + feature + " in models.yaml) and the request names none");
        }
        return byAlias(catalog, alias);
    }

    /**
     * A Bedrock or Vertex AI model named by a client: served with the gateway's own credentials for that provider,
     * never the client's endpoint or key (ai_gateway/model_metadata.py drops api_base for these providers). A model
     * models.yaml has keeps its settings; any other needs gateway.custom-models.enabled, and borrows the provider
     * settings (region, project, credentials) of the first models.yaml deployment of that provider, if any.
     */
    private List<ModelDeployment> cloud(ModelCatalog catalog, String identifier, String name) {
        List<ModelDeployment> group = catalog.groupOrAlias(identifier);
        if (group != null) {
            return group;
        }
        ModelDeployment known = catalog.byIdentifier(identifier);
        if (known != null) {
            return List.of(known);
        }
        if (!customModelsEnabled) {
            throw GatewayException.forbidden("model '" + identifier + "' is not in models.yaml and this gateway does "
                    + "not serve models named by clients (gateway.custom-models.enabled is false)");
        }
        String provider = providerOf(identifier);
        Map<String, String> params = new HashMap<>();
        catalog.groups().values().stream().flatMap(List::stream).filter(d -> d.provider().equals(provider))
                .findFirst().ifPresent(d -> d.params().forEach((key, value) -> {
                    if (PROVIDER_SETTING.matcher(key).matches()) {
                        params.put(key, value);
                    }
                }));
        params.put("model", identifier);
        try {
            return List.of(catalog.adHoc(identifier, ModelFamily.named(name), params));
        } catch (IllegalArgumentException e) {
            throw GatewayException.unprocessable("model_identifier: " + e.getMessage());
        }
    }

    private ModelDeployment custom(ModelCatalog catalog, String identifier, String name, String endpoint,
            String apiKey) {
        if (!customModelsEnabled) {
            throw GatewayException.forbidden("this gateway does not accept model endpoints or keys from clients "
                    + "(gateway.custom-models.enabled is false)");
        }
        if (!notBlank(endpoint)) {
            throw GatewayException.unprocessable("a client-supplied model needs model_endpoint");
        }
        AllowedEndpoints.Checked checked = allowedEndpoints.check(endpoint);
        String id = notBlank(identifier) ? identifier : notBlank(name) ? "custom_openai/" + name : null;
        if (id == null) {
            throw GatewayException.unprocessable("a client-supplied model needs model_identifier or model_name");
        }
        String provider = id.contains("/") ? id.substring(0, id.indexOf('/')) : "custom_openai";
        if (!OPENAI_COMPATIBLE.contains(provider)) {
            throw GatewayException.unprocessable("model_identifier: a client-supplied model_endpoint is honoured for "
                    + OPENAI_COMPATIBLE + " models only, not '" + provider + "'");
        }
        Map<String, String> params = new HashMap<>();
        params.put("model", id);
        params.put("api_base", checked.url());
        // the address that was checked is the one connected to: no second DNS answer in between
        params.put(ModelDeployment.CONNECT_TO, checked.address().getHostAddress());
        if (notBlank(apiKey)) {
            params.put("api_key", apiKey);
        }
        try {
            return catalog.adHoc(id, ModelFamily.named(name), params);
        } catch (IllegalArgumentException e) {
            throw GatewayException.unprocessable("model_identifier: " + e.getMessage());
        }
    }

    private static String providerOf(String identifier) {
        try {
            return notBlank(identifier) ? ModelIdentifier.parse(identifier).provider() : null;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
