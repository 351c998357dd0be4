package io.vanrouter.transport.adaptor.amqp;

import java.nio.charset.StandardCharsets;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * AMQP message bodies to the message plane's payload bytes and back. Only the body crosses the network, because
 * MQTT subscribers of the same address receive the same payload: a {@code data} section as its bytes, an
 * {@code amqp-value} string as UTF-8, an {@code amqp-value} binary as its bytes, no body as zero bytes. Receivers get
 * the payload as one {@code data} section. Pure; any thread.
 */
final class AmqpBodies {

    private AmqpBodies() {
    }

    /** The payload of {@code message}, or null when its body cannot be carried (say why with {@link #unsupported}). */
    static byte[] payload(Message message) {
        Section body = message.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof Data data) {
            return bytes(data.getValue());
        }
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (v instanceof Binary binary) {
                return bytes(binary);
            }
            if (v == null) {
                return new byte[0];
            }
        }
        return null;
    }

    /** Why {@link #payload} returned null, for the REJECTED outcome's description. */
    static String unsupported(Message message) {
        Section body = message.getBody();
        String what = body instanceof AmqpValue value && value.getValue() != null
                ? "amqp-value of " + value.getValue().getClass().getSimpleName()
                : body == null ? "none" : body.getClass().getSimpleName();
        return "unsupported body (" + what + "): only data, a string or binary amqp-value cross the network";
    }

    /** The message a receiver gets: {@code payload} as one data section, addressed to {@code address}. */
    static Message toReceiver(String address, byte[] payload, boolean durable) {
        Message message = Message.Factory.create();
        message.setAddress(address);
        message.setDurable(durable);
        message.setBody(new Data(new Binary(payload)));
        return message;
    }

    private static byte[] bytes(Binary binary) {
        if (binary == null) {
            return new byte[0];
        }
        byte[] copy = new byte[binary.getLength()];
        System.arraycopy(binary.getArray(), binary.getArrayOffset(), copy, 0, copy.length);
        return copy;
    }
}
