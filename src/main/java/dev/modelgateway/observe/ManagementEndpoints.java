package dev.modelgateway.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import dev.modelgateway.api.Json;

/**
 * Adds GET /status and POST /observe/models/{alias}/check to Camel's management server (camel.management.port, beside
 * /observe/health and /observe/metrics) once Camel has started it.
 */
public final class ManagementEndpoints extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);

    private final CamelContext context;
    private final StatusPage page;
    private final ModelCheck check;
    private final Supplier<Map<String, Object>> reload;

    public ManagementEndpoints(CamelContext context, StatusPage page, ModelCheck check) {
        this(context, page, check, null);
    }

    /** {@code reload}: the loaded version of each live-edited file and the last rejected edit, for /observe/info. */
    public ManagementEndpoints(CamelContext context, StatusPage page, ModelCheck check,
            Supplier<Map<String, Object>> reload) {
        this.context = context;
        this.page = page;
        this.check = check;
        this.reload = reload;
    }

    @Override
    public void onContextStarted(CamelContext started) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        VertxPlatformHttpRouter router = server == null ? null : server.getRouter();
        if (router == null) {
            LOG.warn("the management server is off (camel.management.enabled): /status and the model check are not "
                    + "served");
            return;
        }
        router.route(HttpMethod.GET, "/status").handler(this::status);
        if (reload != null && server.isInfoEnabled()) {
            // in front of Camel's own /observe/info (its handler has no hook): the same facts plus "reload"
            router.route(HttpMethod.GET, server.getInfoPath()).order(-1).handler(this::info);
        }
        router.route(HttpMethod.POST, "/observe/models/:alias/check").handler(this::check);
    }

    private void status(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                // everything is inline: forbid the page from fetching anything at all
                .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .end(page.render());
    }

    private void info(RoutingContext ctx) {
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("pid", ProcessHandle.current().pid());
        java.put("vendor", System.getProperty("java.vm.vendor"));
        java.put("name", System.getProperty("java.vm.name"));
        java.put("version", System.getProperty("java.version"));
        java.put("dir", System.getProperty("user.dir"));
        Map<String, Object> camel = new LinkedHashMap<>();
        camel.put("name", context.getName());
        camel.put("version", context.getVersion());
        camel.put("status", context.getStatus().name());
        long started = context.getRoutes().stream().filter(r -> context.getRouteController()
                .getRouteStatus(r.getRouteId()).isStarted()).count();
        camel.put("routes", started + "/" + context.getRoutes().size());
        camel.put("age", org.apache.camel.util.TimeUtils.printDuration(context.getUptime()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("os", os);
        body.put("java", java);
        body.put("camel", camel);
        body.put("reload", reload.get());
        json(ctx, 200, body);
    }

    private void check(RoutingContext ctx) {
        String alias = ctx.pathParam("alias");
        var run = check.check(alias);
        if (run == null) {
            json(ctx, 404, Map.of("error", Map.of("message", "unknown model alias '" + alias + "'",
                    "type", "not_found", "code", "model_not_found")));
            return;
        }
        run.whenComplete((result, error) -> {
            if (error != null) {
                LOG.warn("model check of {} failed", alias, error);
                json(ctx, 500, Map.of("error", Map.of("message", "the check failed inside the gateway",
                        "type", "internal_error", "code", "internal_error")));
                return;
            }
            json(ctx, result.ok() ? 200 : 502, body(result));
        });
    }

    static Map<String, Object> body(ModelCheck.Result result) {
        List<Map<String, Object>> deployments = result.deployments().stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("provider", d.provider());
            m.put("served_name", d.servedName());
            m.put("ok", d.ok());
            m.put("status", d.status());
            m.put("latency_ms", d.latencyMs());
            m.put("error", d.error());
            return m;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", result.model());
        body.put("ok", result.ok());
        body.put("deployments", deployments);
        return body;
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(Json.write(body)));
    }
}
