package dev.modelgateway.emulator;

import java.util.List;
import java.util.function.Function;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The offline emulator (contract section 8): a local HTTP server that answers like the providers' APIs with
 * deterministic, labelled text, so the gateway can be run and demonstrated with no cloud account, through its real
 * provider code. It is a test double, and every answer says so.
 */
public final class Emulator extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Emulator.class);

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final List<EmulatorSurface> surfaces;
    private HttpServer server;
    private volatile Function<String, Integer> contextWindows = model -> null;

    public Emulator(Vertx vertx, String host, int port) {
        this(vertx, host, port, List.of(new OpenAiSurface(), new VertexSurface(), new BedrockSurface(),
                new AzureSurface()));
    }

    public Emulator(Vertx vertx, String host, int port, List<EmulatorSurface> surfaces) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.surfaces = List.copyOf(surfaces);
    }

    @Override
    protected void doStart() throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(4 * 1024 * 1024));
        router.route().handler(ctx -> {
            ctx.put(ContextWindow.KEY, contextWindows);
            ctx.next();
        });
        surfaces.forEach(surface -> surface.register(router));
        server = vertx.createHttpServer().requestHandler(router).listen(port, host)
                .toCompletionStage().toCompletableFuture().get();
        LOG.warn("EMULATOR: provider emulator (a test double, not a model) listening on http://{}:{}", host,
                server.actualPort());
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** The context window (max input tokens) of a served model name, or null: longer prompts get a provider error. */
    public Emulator withContextWindows(Function<String, Integer> windows) {
        this.contextWindows = windows;
        return this;
    }

    public int port() {
        return server == null ? port : server.actualPort();
    }
}
