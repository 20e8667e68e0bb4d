package dev.modelgateway.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.LoggerFactory;

import dev.modelgateway.api.FailoverException;
import dev.modelgateway.api.GatewayException;
import dev.modelgateway.api.NextDeployment;
import dev.modelgateway.api.RequestPlan;
import dev.modelgateway.api.Shapes;
import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.prompt.PromptDefinition;
import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.prompt.RenderedPrompt;
import dev.modelgateway.provider.ModelRequest;

/**
 * The model check (contract section 10, GitLab's "Test connection"): the {@code model_configuration/check} prompt is
 * sent to every deployment of a group through the same provider routes and code as a request (direct:call-provider),
 * all deployments at once. Its results feed /status and the deployment's state.
 */
public final class ModelCheck {

    public static final String PROMPT_ID = "model_configuration/check";
    private static final long LIMIT_SECONDS = 60;

    /** One deployment's answer, as the check endpoint shows it. */
    public record DeploymentResult(String id, String provider, String servedName, boolean ok, int status,
            long latencyMs, String error) {
    }

    public record Result(String model, boolean ok, List<DeploymentResult> deployments) {
    }

    private final CamelContext context;
    private final java.util.function.Supplier<ModelCatalog> catalog;
    private final java.util.function.Supplier<PromptRegistry> prompts;
    private final DeploymentStats stats;
    private volatile ProducerTemplate producer;

    public ModelCheck(CamelContext context, java.util.function.Supplier<ModelCatalog> catalog,
            java.util.function.Supplier<PromptRegistry> prompts, DeploymentStats stats) {
        this.context = context;
        this.catalog = catalog;
        this.prompts = prompts;
        this.stats = stats;
    }

    /** The aliases the check can run against, in models.yaml order. */
    public List<String> aliases() {
        return List.copyOf(catalog.get().groups().keySet());
    }

    /** Null when the alias is not a group of models.yaml. */
    public CompletableFuture<Result> check(String alias) {
        ModelCatalog models = catalog.get();
        List<ModelDeployment> group = models.group(alias);
        if (group == null) {
            return null;
        }
        List<CompletableFuture<DeploymentResult>> runs = new ArrayList<>();
        for (ModelDeployment d : group) {
            runs.add(one(d, Deployments.id(models, d)));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<DeploymentResult> results = runs.stream().map(CompletableFuture::join).toList();
            return new Result(alias, results.stream().allMatch(DeploymentResult::ok), results);
        });
    }

    private CompletableFuture<DeploymentResult> one(ModelDeployment d, String id) {
        long start = System.nanoTime();
        CompletableFuture<Exchange> sent;
        try {
            PromptRegistry registry = prompts.get();
            PromptDefinition def = registry.resolve(PROMPT_ID, d.family(), null);
            RenderedPrompt p = registry.render(def, Map.of());
            ModelRequest request = p.fim() != null ? ModelRequest.fim(d, p.fim(), p.params(), false)
                    : ModelRequest.chat(d, p.messages(), p.params(), false);
            Exchange exchange = new DefaultExchange(context);
            RequestPlan.start(exchange, List.of(d), model -> request, model -> Shapes.promptText(), false);
            // past the router (a check tries a cooling-down deployment too, and takes nothing of its rpm), into the
            // same provider choice and provider code as a request
            new NextDeployment().process(exchange);
            sent = producer().asyncSend("direct:call-provider", exchange).orTimeout(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((exchange, error) -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            Throwable failure = error != null ? error : exchange.getException();
            DeploymentResult r;
            if (failure == null) {
                r = new DeploymentResult(id, d.provider(), d.servedName(), true, 200, ms, null);
            } else {
                GatewayException g = gatewayException(failure);
                r = new DeploymentResult(id, d.provider(), d.servedName(), false, g.status(), ms,
                        g.getMessage());
            }
            if (!Deployments.CUSTOM.equals(id)) {
                stats.check(id, new DeploymentStats.Check(System.currentTimeMillis(), r.ok(), r.status(), ms,
                        r.error()));
            }
            return r;
        });
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }

    static GatewayException gatewayException(Throwable caught) {
        Throwable t = caught;
        while (t != null && !(t instanceof GatewayException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof FailoverException f && f.getCause() instanceof GatewayException original) {
            return original;
        }
        if (t instanceof GatewayException g) {
            return g;
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return new GatewayException(504, "timeout", "no answer within " + LIMIT_SECONDS + " s");
        }
        LoggerFactory.getLogger(ModelCheck.class).warn("model check failed inside the gateway", caught);
        return new GatewayException(500, "internal_error", "the check failed inside the gateway; see its log");
    }
}
