package dev.modelgateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import dev.modelgateway.api.AllowedEndpoints;
import dev.modelgateway.api.ApiFamily;
import dev.modelgateway.api.BearerAuth;
import dev.modelgateway.auth.GitLabInstanceTokens;
import dev.modelgateway.auth.GitLabKeys;
import dev.modelgateway.auth.StaticTokens;
import dev.modelgateway.auth.TokenCheck;
import dev.modelgateway.api.ClientEndpointCheck;
import dev.modelgateway.api.Endpoints;
import dev.modelgateway.api.ErrorBodies;
import dev.modelgateway.api.ErrorResponder;
import dev.modelgateway.api.FeatureRequest;
import dev.modelgateway.api.GatewayException;
import dev.modelgateway.api.ModelResolver;
import dev.modelgateway.api.NextDeployment;
import dev.modelgateway.api.Readiness;
import dev.modelgateway.api.ResponseWriter;
import dev.modelgateway.api.TextToChatRequest;
import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.emulator.Emulator;
import dev.modelgateway.suggestions.SuggestionStats;
import dev.modelgateway.http.ApiEventLoops;
import dev.modelgateway.http.AsyncHttpEngine;
import dev.modelgateway.http.EdgeAnswer;
import dev.modelgateway.http.InFlightLimit;
import dev.modelgateway.prompt.PromptRegistry;
import dev.modelgateway.provider.ProviderCall;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.provider.UpstreamSettings;
import dev.modelgateway.provider.bedrock.BedrockProvider;
import dev.modelgateway.provider.azure.AzureProvider;
import dev.modelgateway.provider.openai.OpenAiCompatibleProvider;
import dev.modelgateway.provider.vertex.VertexProvider;
import dev.modelgateway.queue.EmbeddedBroker;
import dev.modelgateway.queue.QueueDeadLetter;
import dev.modelgateway.queue.QueueFailures;
import dev.modelgateway.queue.QueueReply;
import dev.modelgateway.queue.UnknownQueueEndpoint;
import dev.modelgateway.reload.Current;
import dev.modelgateway.reload.Fingerprint;
import dev.modelgateway.reload.LiveEdits;
import dev.modelgateway.reload.LiveReload;
import dev.modelgateway.router.DeploymentRouter;
import dev.modelgateway.router.DeploymentState;
import dev.modelgateway.router.InMemoryDeploymentState;
import dev.modelgateway.router.RouterSteps;
import dev.modelgateway.observe.AccessLog;
import dev.modelgateway.observe.EdgeAnswers;
import dev.modelgateway.observe.DeploymentStats;
import dev.modelgateway.observe.Deployments;
import dev.modelgateway.observe.GatewayMetrics;
import dev.modelgateway.observe.ManagementEndpoints;
import dev.modelgateway.observe.ModelCheck;
import dev.modelgateway.observe.ModelsReadiness;
import dev.modelgateway.observe.RequestObserver;
import dev.modelgateway.observe.StatusPage;
import dev.modelgateway.observe.StatusSection;
import dev.modelgateway.observe.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * Builds the gateway's beans once, at start-up, from the settings (contract section 9): the catalogue and the prompt
 * registry are read and checked here, so a broken file stops start-up instead of failing requests. The routes refer to
 * the processors by the names bound here.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent props = context.getPropertiesComponent();
        // platform-http only logs a bind failure and starts without its server: check the API port ourselves
        ensurePortFree(prop(props, "camel.server.host", "0.0.0.0"), prop(props, "camel.server.port", "8080"), "HTTP API");
        // the files first: a broken one stops start-up before any thread is started. Their fingerprints are taken
        // before they are read, so an edit made while the gateway starts is still seen by the live reload
        Path modelsFile = Path.of(prop(props, "gateway.models-file", "models.yaml"));
        Path promptsDir = Path.of(prop(props, "gateway.prompts-dir", "prompts"));
        String modelsVersion = Fingerprint.of(modelsFile);
        String promptsVersion = LiveEdits.promptsFingerprint(promptsDir);
        ModelCatalog catalog = ModelCatalog.load(modelsFile, System::getenv);
        PromptRegistry prompts = PromptRegistry.load(promptsDir);
        catalog.warnings().forEach(LOG::warn);
        List<String> tokens = new java.util.ArrayList<>(list(prop(props, "gateway.auth.tokens", "")));
        if (catalog.masterKey() != null) {
            tokens.add(catalog.masterKey());
        }
        refuseAnonymousBind(props, !tokens.isEmpty() || !prop(props, "gateway.auth.gitlab-url", "").isEmpty());
        if (props.resolveProperty("gateway.http.worker-threads").isPresent()) {
            LOG.warn("gateway.http.worker-threads is no longer used and is ignored: no thread waits on a request now; "
                    + "gateway.http.max-in-flight bounds the requests in flight");
        }
        // native epoll where the platform has it (netty-transport-native-epoll), else NIO
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            Throwable why = vertx.unavailableNativeTransportCause();
            LOG.info("HTTP over Java NIO: native epoll is not available here ({})",
                    why == null ? "not Linux on x86_64 or aarch64" : why.getMessage());
        }
        context.getRegistry().bind("vertx", vertx);
        InFlightLimit inFlight = new InFlightLimit(Integer.parseInt(prop(props, "gateway.http.max-in-flight",
                "10000")));
        // platform-http finds its engine under this name: consumers that hold no thread per request (CAMEL-27217)
        bind(context, "platform-http-engine", new AsyncHttpEngine(inFlight, routeThread(props)));
        bind(context, "httpInFlight", inFlight);
        // Camel does not own the gateway's Vert.x: it is closed once Camel has stopped (the HTTP server, clients and
        // emulator on it are closed by then)
        context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(
                c -> vertx.close())));
        // the swap points of live edits (contract section 11): every reader goes through these
        Current<ModelCatalog> currentCatalog = new Current<>(catalog, modelsVersion);
        Current<PromptRegistry> currentPrompts = new Current<>(prompts, promptsVersion);
        LiveReload reload = LiveEdits.install(context, Boolean.parseBoolean(prop(props, "gateway.reload.enabled",
                "true")), modelsFile, currentCatalog, promptsDir, currentPrompts,
                props.resolveProperty("camel.main.routes-include-pattern").orElse(null));
        bind(context, "liveReload", reload);
        // the host look-up of client-named endpoints: the system's, unless a bean named endpointResolver replaces it
        AllowedEndpoints.Resolver lookup = context.getRegistry().lookupByNameAndType("endpointResolver",
                AllowedEndpoints.Resolver.class);
        List<String> allowed = list(prop(props, "gateway.custom-models.allowed-endpoints", ""));
        ModelResolver resolver = new ModelResolver(currentCatalog,
                Boolean.parseBoolean(prop(props, "gateway.custom-models.enabled", "false")),
                lookup == null ? new AllowedEndpoints(allowed) : new AllowedEndpoints(allowed, lookup));
        UpstreamSettings upstream = new UpstreamSettings(
                Integer.parseInt(prop(props, "gateway.upstream.max-retries", "2")),
                duration(prop(props, "gateway.upstream.initial-backoff", "500ms")),
                duration(prop(props, "gateway.upstream.max-backoff", "8s")),
                duration(prop(props, "gateway.upstream.timeout", "600s")),
                duration(prop(props, "gateway.upstream.first-token-timeout", "60s")),
                Long.parseLong(prop(props, "gateway.upstream.max-response-bytes", "16777216")),
                Integer.parseInt(prop(props, "gateway.upstream.max-event-bytes", "4194304")));
        // one upstream connection per request in flight at most: a pool smaller than the limit would queue streams
        UpstreamHttp http = new UpstreamHttp(vertx, upstream, inFlight.max());
        Duration idleWrite = duration(prop(props, "gateway.http.idle-write-timeout", "60s"));

        SuggestionStats suggestionStats = new SuggestionStats();
        // the tokenizer's tables are read from its jar on first use: now, not on the first request's event loop
        dev.modelgateway.suggestions.TokenCounter.count("");
        bind(context, "suggestionStats", suggestionStats);
        Endpoints endpoints = new Endpoints(resolver, currentPrompts, suggestionStats);
        bind(context, "currentModelCatalog", currentCatalog);
        bind(context, "currentPromptRegistry", currentPrompts);
        bind(context, "modelResolver", resolver);
        // these may check a client-named endpoint, whose host look-up may block: then parsed off the event loop
        boolean clientEndpoints = Boolean.parseBoolean(prop(props, "gateway.custom-models.enabled", "false"));
        bind(context, "codeCompletionsRequest", new ClientEndpointCheck(endpoints.codeCompletions(), vertx,
                clientEndpoints));
        bind(context, "codeGenerationsRequest", new ClientEndpointCheck(endpoints.codeGenerations(), vertx,
                clientEndpoints));
        bind(context, "promptRequest", new ClientEndpointCheck(endpoints.prompt(), vertx, clientEndpoints));
        bind(context, "chatCompletionsRequest", endpoints.chatCompletions());
        bind(context, "completionsRequest", endpoints.completions());
        bind(context, "modelsList", endpoints.models());
        bind(context, "textToChatRequest", new TextToChatRequest());
        bind(context, "featureRequest", new FeatureRequest(endpoints));
        bind(context, "nextDeployment", new NextDeployment());
        // cooldowns, rpm/tpm and latency by deployment id: outside the catalogue, so a models.yaml reload keeps them
        DeploymentState state = new InMemoryDeploymentState();
        RouterSteps router = new RouterSteps(new DeploymentRouter(state, System::currentTimeMillis), currentCatalog);
        bind(context, "deploymentState", state);
        bind(context, "routingStrategy", router.strategy());
        bind(context, "admitDeployment", router.admit());
        bind(context, "deploymentSucceeded", router.succeeded());
        bind(context, "deploymentFailed", router.failed());
        // general_settings.master_key is one more static token (contract 4.1); it is read at start-up
        bind(context, "bearerAuth", new BearerAuth(tokenChecks(props, vertx, tokens)));
        bind(context, "writeResponse", new ResponseWriter());
        bind(context, "readiness", new Readiness());
        bind(context, "errorResponse", new ErrorResponder());
        bind(context, "openAiCompatibleCall", new ProviderCall(new OpenAiCompatibleProvider(http), vertx, upstream,
                idleWrite));
        bind(context, "vertexCall", new ProviderCall(new VertexProvider(http), vertx, upstream, idleWrite));
        bind(context, "bedrockCall", new ProviderCall(new BedrockProvider(context, http.alpn()), vertx, upstream,
                idleWrite));
        bind(context, "azureCall", new ProviderCall(new AzureProvider(http), vertx, upstream, idleWrite));

        if (Boolean.parseBoolean(prop(props, "gateway.emulator.enabled", "false"))) {
            Emulator emulator = new Emulator(vertx, prop(props, "gateway.emulator.host", "127.0.0.1"),
                    Integer.parseInt(prop(props, "gateway.emulator.port", "8090")))
                    // it plays each model with the window models.yaml gives it (the catalogue read now, after a reload)
                    .withContextWindows(model -> contextWindow(currentCatalog.get(), model));
            addService(context, emulator);
            bind(context, "emulator", emulator);
        }
        configureQueue(context, props);
        // SIGTERM: Camel stops the consumers (the queue route first: it starts last), then waits this long for the
        // exchanges in flight, streams included (a stream's exchange ends with its last event), before forcing a stop
        if (props.resolveProperty("camel.main.shutdown-timeout").isPresent()) {
            LOG.warn("camel.main.shutdown-timeout is ignored: gateway.shutdown.drain-timeout ({}) sets how long a "
                    + "stop waits for the requests in flight", prop(props, "gateway.shutdown.drain-timeout", "30s"));
        }
        context.getShutdownStrategy().setTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(
                duration(prop(props, "gateway.shutdown.drain-timeout", "30s")).toMillis());
        loadExtraRoutes(context, list(prop(props, "gateway.extra-routes", "")));
        EdgeAnswers edge = configureOperations(context, currentCatalog, currentPrompts, state, reload);
        context.addLifecycleStrategy(new JsonHttpErrors(context, edge));
        context.addLifecycleStrategy(new ApiEventLoops(context, Integer.parseInt(prop(props,
                "gateway.http.event-loops", String.valueOf(Runtime.getRuntime().availableProcessors())))));
        LOG.info("model-gateway: {} models ({}), {} prompts", catalog.groups().size(), catalog.groups().keySet(),
                prompts.all().size());
    }

    /**
     * gateway.extra-routes (--extra-routes): route files run beside routes/, e.g. an integration of examples/ that uses
     * the kamelet catalogue; each entry is a .camel.yaml file or a directory of them. A missing one stops start-up.
     */
    private static void loadExtraRoutes(CamelContext context, List<String> entries) {
        for (String entry : entries) {
            Path path = Path.of(entry);
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (java.util.stream.Stream<Path> s = Files.list(path)) {
                    files = s.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("gateway.extra-routes: " + entry + " cannot be read: "
                            + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(path) && entry.endsWith(".camel.yaml")) {
                files = List.of(path);
            } else {
                throw new IllegalStateException("gateway.extra-routes: " + entry
                        + " is neither a directory nor a .camel.yaml file");
            }
            if (files.isEmpty()) {
                throw new IllegalStateException("gateway.extra-routes: " + entry + " has no *.camel.yaml file");
            }
            for (Path file : files) {
                try {
                    PluginHelper.getRoutesLoader(context).loadRoutes(
                            ResourceHelper.resolveMandatoryResource(context, "file:" + file));
                } catch (Exception e) {
                    throw new IllegalStateException("gateway.extra-routes: " + file + ": " + e.getMessage(), e);
                }
                LOG.info("extra routes from {}", file);
            }
        }
    }

    /** model_info.max_input_tokens of the deployment serving this name (versioned or not), or null. */
    private static Integer contextWindow(ModelCatalog catalog, String servedName) {
        for (List<ModelDeployment> group : catalog.groups().values()) {
            for (ModelDeployment d : group) {
                String served = d.servedName();
                if (served.equals(servedName) || served.replaceFirst("@.*$", "").equals(servedName)
                        || served.endsWith("/" + servedName)) {
                    return d.suggestions().maxInputTokens();
                }
            }
        }
        return null;
    }

    /**
     * The operations surface (contract section 10): the metrics registry Camel's micrometer-prometheus scrapes, the
     * per-request observer the routes start with, traces when OTEL_EXPORTER_OTLP_ENDPOINT is set, /status, the model
     * check and readiness.
     */
    private static EdgeAnswers configureOperations(CamelContext context, Current<ModelCatalog> catalog,
            Current<PromptRegistry> prompts, DeploymentState router, LiveReload reload) {
        // one registry: the one camel-micrometer-prometheus made if it started first, else ours, which it then finds
        PrometheusMeterRegistry registry = context.getRegistry().lookupByNameAndType(
                MicrometerConstants.METRICS_REGISTRY_NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            bind(context, MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        DeploymentStats stats = new DeploymentStats();
        // the router's cooldowns and rate limits first; the deployment's own last outcomes (and checks) otherwise
        stats.stateSource(id -> {
            ModelDeployment d = Deployments.byId(catalog.get(), id);
            DeploymentState.Health h = router.health(id, d == null ? null : d.rpm(), d == null ? null : d.tpm(),
                    System.currentTimeMillis());
            return h == DeploymentState.Health.OK ? null : h.name().toLowerCase(java.util.Locale.ROOT);
        });
        GatewayMetrics metrics = new GatewayMetrics(registry, stats);
        java.util.function.Consumer<ModelCatalog> stateGauges = models -> models.groups().values().forEach(group ->
                group.forEach(d -> metrics.deploymentState(d.alias(), Deployments.id(models, d))));
        stateGauges.accept(catalog.get());
        // a models.yaml edit may add deployments: their state series exist from the swap on
        catalog.onSwap(stateGauges);
        boolean tracing = Tracing.install(context, System.getenv());
        bind(context, "deploymentStats", stats);
        bind(context, "gatewayMetrics", metrics);
        AccessLog accessLog = new AccessLog();
        context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(
                c -> accessLog.flush())));
        bind(context, "observeRequest", new RequestObserver(catalog, metrics, stats, accessLog, tracing));
        ModelCheck check = new ModelCheck(context, catalog, prompts, stats);
        bind(context, "modelCheck", check);
        StatusPage page = new StatusPage(catalog, stats, () -> context.getRegistry().findByType(StatusSection.class));
        context.addLifecycleStrategy(new ManagementEndpoints(context, page, check,
                reload::info));
        HealthCheckRegistry.get(context).register(new ModelsReadiness(catalog, stats));
        return new EdgeAnswers(metrics, accessLog);
    }

    /**
     * The message queue (contract section 7): the jms component on the external broker named by gateway.broker.url, or
     * on the embedded broker, which starts only when the queue is enabled and no external broker is named.
     */
    private static void configureQueue(CamelContext context, PropertiesComponent props) {
        boolean enabled = Boolean.parseBoolean(prop(props, "gateway.queue.enabled", "true"));
        int maxAttempts = Integer.parseInt(prop(props, "gateway.queue.max-attempts", "5"));
        String url = prop(props, "gateway.broker.url", "");
        if (url.isEmpty()) {
            EmbeddedBroker broker = new EmbeddedBroker(Path.of(prop(props, "gateway.broker.data-dir", "data/broker")),
                    Integer.parseInt(prop(props, "gateway.broker.port", "61616")), maxAttempts,
                    Integer.parseInt(prop(props, "gateway.queue.max-consumers", "64")),
                    duration(prop(props, "gateway.queue.redelivery-delay", "1s")),
                    Double.parseDouble(prop(props, "gateway.queue.redelivery-multiplier", "2")),
                    duration(prop(props, "gateway.queue.max-redelivery-delay", "60s")));
            url = broker.url();
            if (enabled) {
                addService(context, broker);
            }
        }
        ActiveMQConnectionFactory connections = new ActiveMQConnectionFactory(url);
        // no client-side prefetch: a consumer busy with a slow model must not hold queued requests the others could take
        connections.setConsumerWindowSize(0);
        connections.setUser(prop(props, "gateway.broker.username", null));
        connections.setPassword(prop(props, "gateway.broker.password", null));
        bind(context, "jms", JmsComponent.jmsComponent(connections));
        bind(context, "queueFailures", new QueueFailures(maxAttempts));
        bind(context, "queueReply", new QueueReply());
        QueueDeadLetter deadLetter = new QueueDeadLetter();
        bind(context, "queueDelivery", deadLetter.remember());
        bind(context, "queueDeadLetter", deadLetter);
        bind(context, "unknownQueueEndpoint", new UnknownQueueEndpoint());
    }

    /** Once the HTTP server is up: JSON bodies for the errors Vert.x answers itself (413 over the body limit, 404). */
    private static final class JsonHttpErrors extends LifecycleStrategySupport {
        private final CamelContext context;
        private final EdgeAnswers edge;

        JsonHttpErrors(CamelContext context, EdgeAnswers edge) {
            this.context = context;
            this.edge = edge;
        }

        @Override
        public void onContextStarted(CamelContext started) {
            int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port:8080}}"));
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                    VertxPlatformHttpRouter.getRouterNameFromPort(port));
            if (router == null) {
                router = VertxPlatformHttpRouter.lookup(context);
            }
            if (router == null) {
                LOG.warn("platform-http router not found: Vert.x's own error pages stay plain text");
                return;
            }
            // before the in-flight limit: the answers below and the limit's 503 are counted and logged too
            router.route().order(Integer.MIN_VALUE).handler(edge);
            // an oversize body leaves unread bytes on the connection: answer and close it
            router.route().failureHandler(ctx -> {
                if (ctx.statusCode() == 413) {
                    ctx.response().putHeader("Connection", "close");
                    answer(ctx, 413, "the request body is larger than the gateway accepts");
                } else {
                    ctx.next();
                }
            });
            router.errorHandler(405, ctx -> answer(ctx, 405, "method " + ctx.request().method() + " is not allowed "
                    + "on " + ctx.request().path()));
            // this catch-all matches before Vert.x would find a path served with other methods: tell 405 apart here
            VertxPlatformHttpRouter api = router;
            router.route().last().handler(ctx -> {
                java.util.Set<String> allowed = allowedMethods(api, ctx.request().path());
                // a path that normalises elsewhere (%2e%2e) matched nothing with its own method either: 404
                if (allowed.isEmpty() || allowed.contains(ctx.request().method().name())) {
                    answer(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path());
                } else {
                    ctx.response().putHeader("Allow", String.join(", ", allowed));
                    answer(ctx, 405, "method " + ctx.request().method() + " is not allowed on "
                            + ctx.request().path() + "; use " + String.join(" or ", allowed));
                }
            });
        }

        /** The methods the routes serve on this path (their platform-http httpMethodRestrict), empty when none does. */
        private static java.util.Set<String> allowedMethods(VertxPlatformHttpRouter router, String path) {
            java.util.Set<String> allowed = new java.util.TreeSet<>();
            for (io.vertx.ext.web.Route route : router.getRoutes()) {
                String p = route.getPath();
                if (p == null || route.isRegexPath() || route.methods() == null || route.methods().isEmpty()) {
                    continue;
                }
                if (route.isExactPath() ? p.equals(path) : path.startsWith(p)) {
                    route.methods().forEach(m -> allowed.add(m.name()));
                }
            }
            return allowed;
        }

        private static void answer(io.vertx.ext.web.RoutingContext ctx, int status, String message) {
            if (ctx.response().ended()) {
                return;
            }
            EdgeAnswer.mark(ctx);
            ApiFamily family = ApiFamily.forPath(ctx.request().path());
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(io.vertx.core.buffer.Buffer.buffer(ErrorBodies.body(family,
                            new GatewayException(status, "invalid_request_error", message))));
        }
    }

    /**
     * The ways a client may prove it may call the API: fixed tokens, and with gateway.auth.gitlab-url the tokens that
     * GitLab instance signs (contract 5.4). None: no authentication.
     */
    private static List<TokenCheck> tokenChecks(PropertiesComponent props, Vertx vertx, List<String> tokens) {
        List<TokenCheck> checks = new java.util.ArrayList<>();
        if (!tokens.isEmpty()) {
            checks.add(new StaticTokens(tokens));
        }
        String gitlabUrl = prop(props, "gateway.auth.gitlab-url", "");
        if (!gitlabUrl.isEmpty()) {
            GitLabKeys keys = new GitLabKeys(vertx, gitlabUrl,
                    duration(prop(props, "gateway.auth.gitlab-keys-min-refresh", "10s")));
            keys.refresh(); // at start-up, without waiting: the first request finds the keys, or joins the fetch
            checks.add(new GitLabInstanceTokens(keys));
        }
        return checks;
    }

    /**
     * An API on a non-loopback address with no token configured would serve anyone who can reach it: start-up stops,
     * unless the operator says so with gateway.auth.allow-anonymous=true.
     */
    private static void refuseAnonymousBind(PropertiesComponent props, boolean authenticated) {
        String host = prop(props, "camel.server.host", "0.0.0.0");
        if (authenticated || isLoopback(host)) {
            return;
        }
        if (Boolean.parseBoolean(prop(props, "gateway.auth.allow-anonymous", "false"))) {
            LOG.warn("the API listens on {} without any token (gateway.auth.allow-anonymous=true): anyone who can "
                    + "reach it can use it", host);
            return;
        }
        throw new IllegalStateException("refusing to serve the API on " + host + " without a token: set "
                + "gateway.auth.tokens (GATEWAY_AUTH_TOKENS) or general_settings.master_key, bind to 127.0.0.1, or "
                + "set gateway.auth.allow-anonymous=true");
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void addService(CamelContext context, Object service) {
        try {
            context.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(service.getClass().getSimpleName() + " could not start: " + e.getMessage(),
                    e);
        }
    }

    private static void ensurePortFree(String host, String port, String what) {
        int p = Integer.parseInt(port);
        if (p == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, p));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the " + what + " port " + host + ":" + p + " is not free (" + e.getMessage()
                    + "); set camel.server.port / CAMEL_SERVER_PORT");
        }
    }

    private static void bind(CamelContext context, String name, Object bean) {
        context.getRegistry().bind(name, bean);
    }

    /** gateway.http.route-thread: where an API route starts; anything but the two values stops start-up. */
    static boolean routeThread(PropertiesComponent props) {
        String value = prop(props, "gateway.http.route-thread", "event-loop").trim();
        return switch (value) {
            case "event-loop" -> true;
            case "worker" -> false;
            default -> throw new IllegalArgumentException("gateway.http.route-thread must be event-loop or worker, not '"
                    + value + "'");
        };
    }

    private static String prop(PropertiesComponent props, String key, String fallback) {
        return props.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty())
                .orElse(fallback);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
