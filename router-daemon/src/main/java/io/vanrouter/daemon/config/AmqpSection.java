package io.vanrouter.daemon.config;

import io.vanrouter.transport.adaptor.amqp.AmqpSettings;
import java.util.List;

/**
 * The {@code amqp:} section: the AMQP 1.0 listener (docs/adaptors.md, "AMQP").
 * <pre>
 * amqp:
 *   listen: {host: 0.0.0.0, port: 5672}
 *   maxMessageBytes: 262144     # optional
 *   linkCredit: 250             # optional: credit per sender link, and its most unsettled messages
 *   receiverQueueMax: 1000      # optional: messages held per receiver link
 *   saslPlain: false            # optional: SASL PLAIN against mqtt.users instead of ANONYMOUS
 * </pre>
 */
final class AmqpSection {
    static final List<String> KEYS = List.of("listen", "maxMessageBytes", "linkCredit", "receiverQueueMax",
            "saslPlain");
    static final List<String> LISTEN_KEYS = List.of("host", "port");
    static final int MESSAGE_BYTES_MIN = 1_024;
    static final int MESSAGE_BYTES_MAX = 16 << 20;
    static final int LINK_CREDIT_MAX = 10_000;
    static final int RECEIVER_QUEUE_MAX = 100_000;

    private AmqpSection() {
    }

    /**
     * @param mqtt the validated {@code mqtt:} section (null: none), whose users file {@code saslPlain} needs
     * @return the listener, or null when there is no {@code amqp:} section or it has problems
     */
    static AmqpSettings validate(Section top, RouterConfig.MqttConfig mqtt, Problems problems) {
        YamlNode node = top.value("amqp");
        Section section = node == null ? null : Section.of(node, "amqp", problems);
        if (section == null) {
            return null;
        }
        section.rejectUnknown(KEYS);
        Long maxBytes = section.integer("maxMessageBytes", MESSAGE_BYTES_MIN, MESSAGE_BYTES_MAX, false);
        Long credit = section.integer("linkCredit", 1, LINK_CREDIT_MAX, false);
        Long queue = section.integer("receiverQueueMax", 1, RECEIVER_QUEUE_MAX, false);
        Boolean plain = section.bool("saslPlain");
        if (Boolean.TRUE.equals(plain) && (mqtt == null || mqtt.users() == null)) {
            section.problem("saslPlain", "SASL PLAIN checks the MQTT users file: set mqtt.users too");
        }
        section.requirePresent("listen");
        YamlNode listenNode = section.value("listen");
        Section listen = listenNode == null ? null : Section.of(listenNode, "amqp.listen", problems);
        if (listen == null) {
            return null;
        }
        listen.rejectUnknown(LISTEN_KEYS);
        String host = ConfigValidator.host(listen, "host", true);
        Long port = listen.integer("port", 0, 65_535, true);
        if (host == null || port == null) {
            return null;
        }
        return new AmqpSettings(host, port.intValue(),
                maxBytes == null ? AmqpSettings.MAX_MESSAGE_BYTES_DEFAULT : maxBytes.intValue(),
                credit == null ? AmqpSettings.LINK_CREDIT_DEFAULT : credit.intValue(),
                queue == null ? AmqpSettings.RECEIVER_QUEUE_MAX_DEFAULT : queue.intValue(), Boolean.TRUE.equals(plain));
    }
}
