package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.netty.HandlerNames;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A QoS 1 message on its way to an edge router's subscriber through an uplink that dies is not lost: the subscriber's
 * edge moves to its other uplink, and the ingress sends the message again to where the subscriber is advertised now.
 */
@Timeout(90)
class MqttEdgeFailoverTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    @Test
    void shouldSendAQos1CopyAgainToWhereTheEdgeSubscriberMovedWhenItsUplinkDied() throws Exception {
        network.start("i1");
        network.start("i2", "i1");
        network.awaitFullMesh();
        network.startEdge("e", "i1", "i2");
        Received onEdge = paho.subscribe(network.node("e").uri(), "sub-e", "t/#", 1);
        network.awaitSubscribers("i2", "t/x", Set.of("i1")); // i1 advertises its edge's subscriber as its own

        // The copy from i2 reaches i1 and goes no further: i1 is about to die with it.
        ActiveLink fromI2 = network.node("i1").server().activeLink("i2");
        await().atMost(DELIVERY).until(() -> fromI2.data().count() == fromI2.data().agreed());
        List<Channel> dataOnI1 = fromI2.data().all();
        assertThat(dataOnI1).as("the routers agree on data connections").isNotEmpty();
        AtomicInteger swallowed = new AtomicInteger();
        for (Channel channel : dataOnI1) {
            channel.pipeline().addAfter(HandlerNames.FRAME_DECODER, "swallow", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof MessageFrame) {
                        swallowed.incrementAndGet();
                        ReferenceCountUtil.release(msg);
                    } else {
                        ctx.fireChannelRead(msg);
                    }
                }
            });
        }

        MqttAsyncClient publisher = new MqttAsyncClient(network.node("i2").uri(), "pub-i2", null);
        try {
            publisher.connect().waitForCompletion(DELIVERY.toMillis());
            MqttMessage message = new MqttMessage(PahoClients.payload("i2", 0));
            message.setQos(1);
            IMqttDeliveryToken token = publisher.publish("t/x", message);
            await().atMost(DELIVERY).until(() -> swallowed.get() == 1);
            assertThat(token.isComplete()).isFalse();

            network.stop("i1");

            // The edge is on i2 at once; i2 waits its grace for i1's subscribers to show up elsewhere, then sends.
            await().atMost(DELIVERY).until(() -> onEdge.payloads.size() == 1);
            assertThat(onEdge.payloads).containsExactly("i2:0");
            await().atMost(DELIVERY).until(token::isComplete);
            assertThat(network.node("i2").server().messageRouter().counters().resent()).isEqualTo(1);
        } finally {
            publisher.disconnectForcibly(1_000, 1_000);
            publisher.close();
        }
    }
}
