package org.apache.camel.component.platform.http.vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;

/**
 * More event loops for platform-http's server: Camel 4.18 listens with one Vert.x server, so one event loop reads and
 * writes every API connection. Vert.x shares a port among servers of one instance and spreads connections over them
 * round robin, each server on its own loop; these extra servers carry Camel's own request handler (its router) and
 * its server options, so they serve exactly what the first one does. Lives in Camel's package for the
 * package-private {@link VertxPlatformHttpServerSupport#configureSSL}.
 */
public final class ServerLoops {

    private ServerLoops() {
    }

    /**
     * Opens {@code extra} more servers beside {@code server}, each from its own thread outside Vert.x (so each gets a
     * new event-loop context, spread over the loops), and waits until they listen.
     */
    public static List<HttpServer> open(CamelContext context, Vertx vertx, VertxPlatformHttpServer server,
            VertxPlatformHttpServerConfiguration configuration, int extra) throws Exception {
        HttpServerOptions options = VertxPlatformHttpServerSupport.configureSSL(new HttpServerOptions(), configuration,
                context);
        Handler<HttpServerRequest> handler = server.getServer().requestHandler();
        List<CompletableFuture<HttpServer>> listening = new ArrayList<>();
        for (int i = 0; i < extra; i++) {
            CompletableFuture<HttpServer> one = new CompletableFuture<>();
            listening.add(one);
            Thread opener = new Thread(() -> vertx.createHttpServer(options).requestHandler(handler)
                    .listen(configuration.getBindPort(), configuration.getBindHost())
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            one.complete(ar.result());
                        } else {
                            one.completeExceptionally(ar.cause());
                        }
                    }), "platform-http-loop-" + (i + 2));
            opener.start();
        }
        List<HttpServer> servers = new ArrayList<>();
        for (CompletableFuture<HttpServer> one : listening) {
            servers.add(one.join());
        }
        return servers;
    }
}
