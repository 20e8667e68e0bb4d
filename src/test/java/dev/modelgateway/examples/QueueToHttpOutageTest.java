package dev.modelgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import dev.modelgateway.queue.EmbeddedBroker;
import dev.modelgateway.support.GatewayTestServer;

/**
 * examples/queue-to-http in a plain Camel integration (no gateway in the process, only the kamelet catalogue and the
 * route file): while the gateway cannot be reached the bridge tries again with backoff instead of letting the broker
 * burn its redeliveries, and once the gateway is up the request is answered, not lost.
 */
class QueueToHttpOutageTest {

    @TempDir
    Path dir;

    @Test
    void aRequestSentWhileTheGatewayIsDownIsAnsweredOnceItIsUp() throws Exception {
        int brokerPort = GatewayTestServer.freePort();
        int gatewayPort = GatewayTestServer.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(Files.createDirectories(dir.resolve("broker")), brokerPort, 5,
                Duration.ofMillis(10), 1, Duration.ofMillis(10));
        broker.start();
        DefaultCamelContext camel = new DefaultCamelContext();
        Vertx vertx = Vertx.vertx();
        AtomicInteger redeliveries = new AtomicInteger();
        try {
            camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelet-catalog");
            camel.getPropertiesComponent().addInitialProperty("examples.bridge.broker-url", broker.url());
            camel.getPropertiesComponent().addInitialProperty("examples.bridge.gateway-url",
                    "http://127.0.0.1:" + gatewayPort);
            camel.getPropertiesComponent().addInitialProperty("examples.bridge.redelivery-delay-ms", "100");
            camel.getPropertiesComponent().addInitialProperty("examples.bridge.redeliveries", "20");
            camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                        redeliveries.incrementAndGet();
                    }
                }
            });
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel,
                    "file:examples/queue-to-http/queue-to-http.camel.yaml"));
            camel.start();

            try (Connection connection = new ActiveMQConnectionFactory(broker.url()).createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue replies = session.createTemporaryQueue();
                TextMessage request = session.createTextMessage("{\"model\":\"m\",\"messages\":[]}");
                request.setStringProperty("gatewayEndpoint", "chat_completions");
                request.setJMSReplyTo(replies);
                try (MessageProducer producer = session.createProducer(session.createQueue("model-gateway.bridge"));
                        MessageConsumer consumer = session.createConsumer(replies)) {
                    producer.send(request);
                    // the gateway is down: the bridge is trying again
                    await().atMost(Duration.ofSeconds(20)).until(() -> redeliveries.get() >= 2);
                    HttpServer gateway = vertx.createHttpServer().requestHandler(r -> r.response()
                            .putHeader("Content-Type", "application/json")
                            .end("{\"answered\":\"" + r.path() + "\"}"))
                            .listen(gatewayPort, "127.0.0.1").toCompletionStage().toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
                    Message reply = consumer.receive(30_000);
                    assertThat(reply).as("answered once the gateway is up").isNotNull();
                    assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(200);
                    assertThat(((TextMessage) reply).getText()).isEqualTo("{\"answered\":\"/v1/chat/completions\"}");
                    gateway.close();
                }
            }
        } finally {
            camel.stop();
            broker.stop();
            vertx.close();
        }
    }
}
