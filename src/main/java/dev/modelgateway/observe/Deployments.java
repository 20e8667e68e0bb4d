package dev.modelgateway.observe;

import java.util.List;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;

/**
 * Names a deployment for metrics, logs and /status with values from models.yaml only (bounded label values): the
 * alias, and the deployment id ({@code model_info.id}, default {@code <model_name>#<index>}). A model a client named with its own endpoint
 * (custom models) is {@value #CUSTOM}, never the client's string.
 */
public final class Deployments {

    public static final String CUSTOM = "custom";

    private Deployments() {
    }

    /** The deployment's id ({@code model_info.id}), or {@value #CUSTOM} when it is not an entry of this catalogue. */
    public static String id(ModelCatalog catalog, ModelDeployment deployment) {
        List<ModelDeployment> group = catalog.group(deployment.alias());
        if (group != null) {
            for (ModelDeployment d : group) {
                if (d == deployment || d.equals(deployment)) {
                    return deployment.id();
                }
            }
        }
        return CUSTOM;
    }

    /** The catalogue's deployment with this id, or null. */
    public static ModelDeployment byId(ModelCatalog catalog, String id) {
        for (List<ModelDeployment> group : catalog.groups().values()) {
            for (ModelDeployment d : group) {
                if (d.id().equals(id)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** The alias as a label: the catalogue's alias, or {@value #CUSTOM}. */
    public static String alias(ModelCatalog catalog, ModelDeployment deployment) {
        return CUSTOM.equals(id(catalog, deployment)) ? CUSTOM : deployment.alias();
    }

    /** Where the deployment is: region or host, never a key. */
    public static String location(ModelDeployment d) {
        String region = d.firstParam("vertex_ai_location", "vertex_location", "aws_region_name");
        String base = d.firstParam("api_base", "aws_bedrock_runtime_endpoint");
        if (base != null) {
            try {
                java.net.URI uri = java.net.URI.create(base.trim());
                base = uri.getHost() == null ? null : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            } catch (IllegalArgumentException e) {
                base = null;
            }
        }
        if (region != null && base != null) {
            return region + " via " + base;
        }
        return region != null ? region : base != null ? base : "";
    }
}
