package dev.modelgateway.http;

import static dev.modelgateway.support.GatewayTestServer.ONE_UNREACHABLE_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.GatewayTestServer;

/**
 * gateway.http.event-loops and gateway.http.route-thread: the API port is served by that many event loops, connections
 * spread over them, and a route starts on its request's loop (no hand-off) unless worker is asked for.
 */
class EventLoopServingTest {

    @Test
    void routesRunOnTheRequestsLoopAndConnectionsSpreadOverEveryLoop() throws Exception {
        try (GatewayTestServer gateway = GatewayTestServer.start(ONE_UNREACHABLE_MODEL,
                Map.of("gateway.http.event-loops", "3"))) {
            Set<String> threads = threadsServing(gateway, 12);
            assertThat(threads).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
            // Vert.x hands new connections to the servers round robin: twelve connections reach all three loops
            assertThat(threads).hasSize(3);
        }
    }

    @Test
    void workerKeepsRoutesOffTheEventLoop() throws Exception {
        try (GatewayTestServer gateway = GatewayTestServer.start(ONE_UNREACHABLE_MODEL,
                Map.of("gateway.http.route-thread", "worker", "gateway.http.event-loops", "1"))) {
            Set<String> threads = threadsServing(gateway, 4);
            assertThat(threads).allMatch(name -> name.startsWith("vert.x-worker-thread-"));
        }
    }

    @Test
    void anUnknownRouteThreadStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> GatewayTestServer.start(ONE_UNREACHABLE_MODEL,
                Map.of("gateway.http.route-thread", "pool")).close())
                .hasStackTraceContaining("gateway.http.route-thread must be event-loop or worker, not 'pool'");
    }

    @Test
    void stoppingCamelClosesTheGatewaysVertxAndNoEventNotifierSitsOnTheRequestPath() throws Exception {
        GatewayTestServer gateway = GatewayTestServer.start(ONE_UNREACHABLE_MODEL,
                Map.of("gateway.http.event-loops", "2"));
        io.vertx.core.Vertx vertx = gateway.context().getRegistry().lookupByNameAndType("vertx",
                io.vertx.core.Vertx.class);
        // start and stop work is done by lifecycle strategies: an event notifier is asked about every step of every
        // request (Camel's EventHelper walks them all), whatever it ignores
        assertThat(gateway.context().getManagementStrategy().getEventNotifiers())
                .noneMatch(n -> n.getClass().getName().startsWith("dev.modelgateway"));
        gateway.close();
        assertThat(((io.vertx.core.impl.VertxInternal) vertx).closeFuture().isClosed()).isTrue();
    }

    /** Adds a route that answers its thread's name, and calls it once per new connection. */
    private static Set<String> threadsServing(GatewayTestServer gateway, int connections) throws Exception {
        // a lambda, not a RouteBuilder subclass: Camel Main would discover a class and add it to every test gateway
        RouteBuilder.addRoutes(gateway.context(), routes -> routes.from("platform-http:/test/thread")
                .routeId("test-thread").process(e -> e.getMessage().setBody(Thread.currentThread().getName())));
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < connections; i++) {
            // a client per call: a new connection each time
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/test/thread")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            threads.add(answer.body());
        }
        return threads;
    }
}
