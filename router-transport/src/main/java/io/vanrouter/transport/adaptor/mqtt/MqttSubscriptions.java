package io.vanrouter.transport.adaptor.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE and UNSUBSCRIBE: each filter (or {@code $share/G/F}) becomes a local consumer of the address, granted at
 * most QoS 1; an invalid filter gets a failure code (3.1.1: 0x80, 5: 0x8F topic filter invalid), and so does a
 * filter the user may not subscribe to (3.1.1: 0x80, 5: 0x87 not authorized). Owning event loop.
 */
final class MqttSubscriptions {
    static final int SUBACK_FAILURE = 0x80;
    static final int SUBACK_TOPIC_FILTER_INVALID = 0x8F;
    static final int SUBACK_NOT_AUTHORIZED = 0x87;
    static final short UNSUBACK_SUCCESS = 0x00;
    static final short UNSUBACK_NO_SUBSCRIPTION = 0x11;

    private MqttSubscriptions() {
    }

    /** @param allowed the filters this client may subscribe to; null: any */
    static void onSubscribe(ChannelHandlerContext ctx, MqttListener listener, MqttSession session, MqttMessage m,
            boolean v5, TopicPatterns allowed) {
        MqttSubscribeMessage subscribe = (MqttSubscribeMessage) m;
        List<MqttTopicSubscription> filters = subscribe.payload().topicSubscriptions();
        int[] codes = new int[filters.size()];
        for (int i = 0; i < codes.length; i++) {
            MqttTopicSubscription filter = filters.get(i);
            String text = filter.topicFilter();
            Address address;
            try {
                address = Address.fromMqttSubscription(text);
            } catch (IllegalArgumentException e) {
                MqttListener.LOG.info("[{}] client {} subscribed to invalid filter '{}': {}", listener.routerId(),
                        session.clientId, text, e.getMessage());
                codes[i] = v5 ? SUBACK_TOPIC_FILTER_INVALID : SUBACK_FAILURE;
                continue;
            }
            if (allowed != null && !allowed.allowsSubscribe(text)) {
                listener.counters().subscriptionsRefused.incrementAndGet();
                MqttListener.LOG.warn("[{}] client {} may not subscribe to '{}' (users file: subscribe {}): refused",
                        listener.routerId(), session.clientId, text, allowed);
                codes[i] = v5 ? SUBACK_NOT_AUTHORIZED : SUBACK_FAILURE;
                continue;
            }
            int qos = Math.min(filter.qualityOfService().value(), MqttQoS.AT_LEAST_ONCE.value());
            listener.subscriptions().subscribe(session, text, address, qos);
            codes[i] = qos;
        }
        ctx.writeAndFlush(MqttReplies.subAck(subscribe.idAndPropertiesVariableHeader().messageId(), codes),
                ctx.voidPromise());
    }

    static void onUnsubscribe(ChannelHandlerContext ctx, MqttListener listener, MqttSession session, MqttMessage m,
            boolean v5) {
        MqttUnsubscribeMessage unsubscribe = (MqttUnsubscribeMessage) m;
        List<Short> codes = new ArrayList<>();
        for (String topic : unsubscribe.payload().topics()) {
            boolean had;
            try {
                had = listener.subscriptions().unsubscribe(session, topic);
            } catch (IllegalArgumentException e) {
                had = false;
            }
            codes.add(had ? UNSUBACK_SUCCESS : UNSUBACK_NO_SUBSCRIPTION);
        }
        ctx.writeAndFlush(MqttReplies.unsubAck(unsubscribe.idAndPropertiesVariableHeader().messageId(), codes, v5),
                ctx.voidPromise());
    }
}
