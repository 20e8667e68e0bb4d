package dev.modelgateway.queue;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns the HTTP answer the endpoint wrote (status header, JSON body) into the queue's reply: a text message with the
 * JSON and the status in the int property {@code gatewayStatus}. camel-jms sends it to JMSReplyTo with the request's
 * correlation id (or its message id).
 */
public final class QueueReply implements Processor {

    public static final String STATUS = "gatewayStatus";

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        byte[] body = message.getBody(byte[].class);
        message.removeHeaders("*");
        message.setHeader(STATUS, status);
        message.setBody(body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }
}
