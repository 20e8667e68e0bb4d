package dev.modelgateway.queue;

import java.util.Collections;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;

/**
 * Moves a request that failed its last attempt to model-gateway.requests.DLQ with the reason in gatewayError, on the
 * consumer's own transacted session: the dead-letter copy and the acknowledgement are committed together, so a gateway
 * killed between the two leaves the request on its queue (it is redelivered and dead-lettered once), never two copies.
 */
public final class QueueDeadLetter implements Processor {

    /** Exchange properties holding the consumer's session and the request as received. */
    static final String SESSION = "gatewayJmsSession";
    static final String RECEIVED = "gatewayJmsMessage";

    /**
     * The first step of the queue route: keeps the session and the received message, which the error handler (running
     * on whichever thread finished the model call, with a copy of the message) no longer has at hand.
     */
    public Processor remember() {
        return exchange -> {
            JmsMessage in = exchange.getIn(JmsMessage.class);
            if (in != null) {
                exchange.setProperty(SESSION, in.getJmsSession());
                exchange.setProperty(RECEIVED, in.getJmsMessage());
            }
        };
    }

    @Override
    public void process(Exchange exchange) throws JMSException {
        Session session = exchange.getProperty(SESSION, Session.class);
        Message original = exchange.getProperty(RECEIVED, Message.class);
        if (session == null || original == null) {
            throw new IllegalStateException("a dead letter needs the JMS session it was received on");
        }
        TextMessage copy = session.createTextMessage(text(original));
        for (Object name : Collections.list(original.getPropertyNames())) {
            String key = (String) name;
            // the broker's own bookkeeping (JMSXDeliveryCount, _AMQ_*) is not ours to copy
            if (!key.startsWith("JMSX") && !key.startsWith("_AMQ") && !key.startsWith("JMS_")) {
                copy.setObjectProperty(key, original.getObjectProperty(key));
            }
        }
        copy.setStringProperty(QueueFailures.ERROR, exchange.getMessage().getHeader(QueueFailures.ERROR, String.class));
        copy.setJMSCorrelationID(original.getJMSCorrelationID() != null ? original.getJMSCorrelationID()
                : original.getJMSMessageID());
        copy.setJMSReplyTo(original.getJMSReplyTo());
        // the listener thread is blocked waiting for this exchange, so the session has one user at a time; its
        // container commits the send together with the acknowledgement when the route returns
        try (MessageProducer producer = session.createProducer(session.createQueue(EmbeddedBroker.DEAD_LETTERS))) {
            producer.send(copy);
        }
    }

    private static String text(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return text.getText();
        }
        return message.getBody(String.class);
    }
}
