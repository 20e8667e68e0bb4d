package dev.modelgateway.http;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.AsyncPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The platform-http engine of the API port (bound as {@code platform-http-engine}, so the YAML routes keep their
 * {@code platform-http:} URIs): Camel's Vert.x engine, with consumers that hold no thread per request
 * ({@link AsyncPlatformHttpConsumer}, CAMEL-27217) and the in-flight limit in front of every route.
 */
public final class AsyncHttpEngine extends VertxPlatformHttpEngine {

    private final InFlightLimit limit;
    private final boolean routeOnEventLoop;
    private final AtomicBoolean installed = new AtomicBoolean();

    /** {@code routeOnEventLoop}: gateway.http.route-thread is {@code event-loop} (else {@code worker}). */
    public AsyncHttpEngine(InFlightLimit limit, boolean routeOnEventLoop) {
        this.limit = limit;
        this.routeOnEventLoop = routeOnEventLoop;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        String routerName = VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort());
        installLimit(routerName);
        if (endpoint.isHttpProxy()) {
            return super.createConsumer(endpoint, processor);
        }
        return new AsyncPlatformHttpConsumer(endpoint, processor, getHandlers(), routerName, limit,
                routeOnEventLoop);
    }

    /** Once, on the router the consumers attach to: the limit runs before any route reads a body. */
    private void installLimit(String routerName) {
        if (installed.get()) {
            return;
        }
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getCamelContext(), routerName);
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(getCamelContext());
        }
        if (router == null) {
            throw new IllegalStateException("platform-http router " + routerName + " not found: is camel.server.enabled"
                    + " set?");
        }
        if (installed.compareAndSet(false, true)) {
            limit.install(router);
        }
    }
}
