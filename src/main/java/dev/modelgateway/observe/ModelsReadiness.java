package dev.modelgateway.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;

/**
 * Readiness (contract section 10): DOWN, naming the feature and model, while a model mapped to a feature in models.yaml
 * has no usable deployment (cooling down, or failing its last model check).
 */
public final class ModelsReadiness extends AbstractHealthCheck {

    private final Supplier<ModelCatalog> catalog;
    private final DeploymentStats stats;

    public ModelsReadiness(Supplier<ModelCatalog> catalog, DeploymentStats stats) {
        super("gateway", "models");
        this.catalog = catalog;
        this.stats = stats;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = unusable(catalog.get(), stats);
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message(String.join("; ", problems)).detail("unusable", String.join("; ", problems)).down();
        }
    }

    static List<String> unusable(ModelCatalog models, DeploymentStats stats) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> f : models.features().entrySet()) {
            List<ModelDeployment> group = models.group(f.getValue());
            if (group == null) {
                continue;
            }
            boolean any = false;
            List<String> states = new ArrayList<>();
            for (ModelDeployment d : group) {
                String id = Deployments.id(models, d);
                any |= stats.usable(id);
                states.add(id + " " + stats.state(id));
            }
            if (!any) {
                problems.add("feature " + f.getKey() + ": model " + f.getValue() + " has no usable deployment ("
                        + String.join(", ", states) + ")");
            }
        }
        return problems;
    }
}
