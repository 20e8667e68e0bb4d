package dev.modelgateway.queue;

import java.nio.charset.StandardCharsets;

import jakarta.jms.JMSException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the HTTP answer the endpoint wrote (status header, JSON body) into the queue's reply: a text message with the
 * JSON and the status in the int property {@code gatewayStatus}. camel-jms sends it to JMSReplyTo with the request's
 * correlation id (or its message id).
 */
public final class QueueReply implements Processor {

    public static final String STATUS = "gatewayStatus";

    private static final Logger LOG = LoggerFactory.getLogger(QueueReply.class);

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        byte[] body = message.getBody(byte[].class);
        if (status >= 400 && !exchange.getPattern().isOutCapable()) {
            // fire-and-forget (no JMSReplyTo, so camel-jms sends no reply): nobody hears the answer, so the log does
            LOG.warn("queued request {} without JMSReplyTo failed with {}", requestId(exchange), status);
        }
        message.removeHeaders("*");
        message.setHeader(STATUS, status);
        message.setBody(body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }

    private static String requestId(Exchange exchange) {
        try {
            JmsMessage in = exchange.getIn(JmsMessage.class);
            return in == null || in.getJmsMessage() == null ? exchange.getExchangeId()
                    : in.getJmsMessage().getJMSMessageID();
        } catch (JMSException e) {
            return exchange.getExchangeId();
        }
    }
}
