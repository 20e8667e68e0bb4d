package dev.modelgateway.queue;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The embedded ActiveMQ Artemis broker (contract section 7): a persistent journal, Artemis' core protocol on a
 * loopback port, and the request queue's redelivery and dead-letter settings. Added to the Camel context as a service,
 * so it starts before the routes and stops after them.
 */
public final class EmbeddedBroker extends ServiceSupport {

    public static final String REQUESTS = "model-gateway.requests";
    public static final String DEAD_LETTERS = "model-gateway.requests.DLQ";
    /** gateway.queue.max-consumers' default: what a broker made without it allows for. */
    public static final int DEFAULT_MAX_CONSUMERS = 64;

    private final Path dataDir;
    private final int port;
    private final int maxAttempts;
    private final int maxConsumers;
    private final Duration redeliveryDelay;
    private final double redeliveryMultiplier;
    private final Duration maxRedeliveryDelay;
    private EmbeddedActiveMQ broker;

    public EmbeddedBroker(Path dataDir, int port, int maxAttempts, Duration redeliveryDelay,
            double redeliveryMultiplier, Duration maxRedeliveryDelay) {
        this(dataDir, port, maxAttempts, DEFAULT_MAX_CONSUMERS, redeliveryDelay, redeliveryMultiplier,
                maxRedeliveryDelay);
    }

    /** {@code maxConsumers}: gateway.queue.max-consumers, the consumers one gateway may have on the queue. */
    public EmbeddedBroker(Path dataDir, int port, int maxAttempts, int maxConsumers, Duration redeliveryDelay,
            double redeliveryMultiplier, Duration maxRedeliveryDelay) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.maxAttempts = maxAttempts;
        this.maxConsumers = maxConsumers;
        this.redeliveryDelay = redeliveryDelay;
        this.redeliveryMultiplier = redeliveryMultiplier;
        this.maxRedeliveryDelay = maxRedeliveryDelay;
    }

    /**
     * The broker's own limit. The route moves a message itself at the last attempt (with gatewayError); this is the
     * net for deliveries that never reached it, such as a gateway killed mid-request every time. It sits above the
     * route's limit by what one crash can count: as Artemis clears a killed gateway's sessions one by one, it hands the
     * message back to that gateway's other consumers still waiting on a receive, and each clear counts a delivery
     * (QueueCrashTest lost its reply to this 1 run in 5 with the old margin of 2). So a gateway killed during its last
     * attempt leaves the message to the next gateway, which dead-letters it with the reason.
     */
    public static int maxDeliveryAttempts(int maxAttempts, int maxConsumers) {
        return maxAttempts + maxConsumers + 1;
    }

    /** The URL the gateway's own JMS client connects with. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    protected void doStart() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("model-gateway")
                .setPersistenceEnabled(true)
                // loopback only: anyone who can reach it is on this machine
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                // small journal files: start-up pre-allocates them, and requests are small
                .setJournalFileSize(1024 * 1024)
                .setJournalMinFiles(2)
                .setCriticalAnalyzer(false)
                .addAcceptorConfiguration("core", "tcp://127.0.0.1:" + port + "?protocols=CORE")
                // Artemis' stock defaults for every other address (reply queues, an integration's own queues), with
                // the queues behind them created: without one, a message dead-lettered there would be dropped. A
                // queue's dead letters land in DLQ.<queue> (expired ones in EXP.<queue>)
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setAutoCreateDeadLetterResources(true)
                        .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                        .setAutoCreateExpiryResources(true))
                .addAddressSetting(REQUESTS, new AddressSettings()
                        .setRedeliveryDelay(redeliveryDelay.toMillis())
                        .setRedeliveryMultiplier(redeliveryMultiplier)
                        .setMaxRedeliveryDelay(maxRedeliveryDelay.toMillis())
                        .setMaxDeliveryAttempts(maxDeliveryAttempts(maxAttempts, maxConsumers))
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS)))
                .addQueueConfiguration(QueueConfiguration.of(REQUESTS).setRoutingType(RoutingType.ANYCAST))
                .addQueueConfiguration(QueueConfiguration.of(DEAD_LETTERS).setRoutingType(RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }
}
