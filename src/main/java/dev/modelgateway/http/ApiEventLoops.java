package dev.modelgateway.http;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.ServerLoops;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway.http.event-loops: how many Vert.x event loops serve the API port (Camel's server uses one). Once Camel has
 * started its server, the others are opened beside it on the same port ({@link ServerLoops}); with routes run on the
 * request's loop, each loop then serves its connections end to end, the upstream call included.
 */
public final class ApiEventLoops extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiEventLoops.class);

    private final CamelContext context;
    private final int loops;

    public ApiEventLoops(CamelContext context, int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("gateway.http.event-loops must be at least 1, not " + loops);
        }
        this.context = context;
        this.loops = loops;
    }

    @Override
    public void onContextStarted(CamelContext started) {
        if (loops == 1) {
            return;
        }
        MainHttpServer main = context.hasService(MainHttpServer.class);
        if (main == null) {
            return;
        }
        VertxPlatformHttpServerConfiguration configuration = main.getConfiguration();
        if (configuration.getBindPort() == 0) {
            // a port chosen by the system cannot be shared by a second listener: one loop (tests, `check --models`)
            LOG.debug("API port 0: served by one event loop");
            return;
        }
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            if (server.getServer() != null && server.getServer().actualPort() == configuration.getBindPort()) {
                try {
                    ServerLoops.open(context, server.getVertx(), server, configuration, loops - 1);
                } catch (Exception e) {
                    LOG.warn("API port {}: could not open {} more event loops, served by one: {}",
                            configuration.getBindPort(), loops - 1, e.getMessage());
                    return;
                }
                LOG.debug("API port {} served by {} event loops", configuration.getBindPort(), loops);
                return;
            }
        }
    }
}
