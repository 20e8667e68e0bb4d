package dev.modelgateway.reload;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.prompt.PromptRegistry;

/**
 * What the gateway watches (contract section 11) and how each edit loads: models.yaml into a new
 * {@link ModelCatalog}, prompts/ into a new {@link PromptRegistry}, both built whole beside the serving one (the same
 * load and checks as start-up) and swapped into their {@link Current}; the route files through {@link RouteReload}.
 */
public final class LiveEdits {

    private static final Logger LOG = LoggerFactory.getLogger(LiveEdits.class);

    private LiveEdits() {
    }

    /** The provider prefixes the gateway has a client for (contract section 3). */
    static final Set<String> SERVED = Set.of("custom_openai", "openai", "hosted_vllm", "ollama", "vertex_ai",
            "bedrock", "azure", "azure_ai");

    /**
     * A deployment an edit adds or changes must name a provider the gateway serves: a typo in a running gateway's
     * catalogue is refused, not turned into a model that answers 400 to every request. (Start-up keeps LiteLLM's
     * leniency, and a deployment that start-up accepted stays as it is.)
     */
    static void refuseUnknownProviders(Path file, ModelCatalog next, ModelCatalog serving) {
        Set<String> before = new java.util.HashSet<>();
        serving.groups().forEach((alias, group) -> group.forEach(d -> before.add(alias + " " + d.identifier())));
        next.groups().forEach((alias, group) -> group.forEach(d -> {
            if (!SERVED.contains(d.provider()) && !before.contains(alias + " " + d.identifier())) {
                throw new IllegalArgumentException(file + ": model_list entry '" + alias + "': unknown provider '"
                        + d.provider() + "' (served: " + String.join(", ", new java.util.TreeSet<>(SERVED)) + ")");
            }
        }));
    }

    /** The prompts tree's version: the files the registry reads. */
    public static String promptsFingerprint(Path dir) {
        return Fingerprint.ofTree(dir, p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"));
    }

    public static LiveReload install(CamelContext context, boolean enabled, Path modelsFile,
            Current<ModelCatalog> catalog, Path promptsDir, Current<PromptRegistry> prompts, String routesPattern) {
        LiveReload reload = new LiveReload(context, enabled);
        reload.watch(modelsFile.toString(), catalog.loaded().version(), () -> Fingerprint.of(modelsFile), version -> {
            ModelCatalog next = ModelCatalog.load(modelsFile, System::getenv);
            ModelCatalog serving = catalog.get();
            refuseUnknownProviders(modelsFile, next, serving);
            next.warnings().forEach(LOG::warn);
            if (!Objects.equals(next.masterKey(), serving.masterKey())) {
                // the clients' tokens are fixed at start-up: say so rather than let the new key silently not work
                LOG.warn("{}: general_settings.master_key changed: the new key is accepted only after a restart; "
                        + "until then the key read at start-up stays valid", modelsFile);
            }
            catalog.swap(next, version);
        });
        reload.watch(promptsDir + "/", prompts.loaded().version(), () -> promptsFingerprint(promptsDir),
                version -> prompts.swap(PromptRegistry.load(promptsDir), version));
        if (routesPattern != null) {
            reload.watch(new RouteReload(context, routesPattern));
        }
        try {
            // started with the context, stopped with it (the timer is one of Camel's managed threads)
            context.addService(reload, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("live reload could not start: " + e.getMessage(), e);
        }
        return reload;
    }
}
