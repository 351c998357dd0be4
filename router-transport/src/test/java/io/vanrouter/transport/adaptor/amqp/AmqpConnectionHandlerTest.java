package io.vanrouter.transport.adaptor.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRule;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.message.MessageRouter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AmqpConnectionHandler} on an EmbeddedChannel against a proton-j client engine: bad input, the byte-wise
 * handshake, RELEASED when no receiver exists, ACCEPTED once a local receiver took the message.
 */
class AmqpConnectionHandlerTest {
    private static final String SELF = "R-a";

    private final AmqpCounters counters = new AmqpCounters();
    private final List<Address> consumers = new ArrayList<>();
    private final MessageRouter messages;
    private final AmqpReceivers receivers;
    private final EmbeddedChannel channel;
    private final Transport client = Transport.Factory.create();
    private final Connection connection = Connection.Factory.create();
    private long nextTag;

    AmqpConnectionHandlerTest() {
        AddressRules rules = AddressRules.of(List.of(AddressRule.prefix("mc/", Distribution.MULTICAST)));
        ForwardingView view = ForwardingView.empty(SELF, rules);
        messages = new MessageRouter(SELF, 1, 1 << 20, () -> view, new LinkRegistry(SELF));
        receivers = new AmqpReceivers(new LocalConsumers() {
            @Override
            public void submitAddConsumer(Address address) {
                consumers.add(address);
            }

            @Override
            public void submitRemoveConsumer(Address address) {
                consumers.remove(address);
            }
        }, counters);
        messages.addLocalDelivery(receivers);
        RoutingView routing = new RoutingView() {
            @Override
            public ForwardingView forwarding() {
                return view;
            }

            @Override
            public AutoCloseable onForwardingChange(Runnable listener) {
                return () -> { };
            }
        };
        AmqpServices services = new AmqpServices(SELF, AmqpSettings.defaults("127.0.0.1", 0), messages, routing,
                receivers, counters, null);
        channel = new EmbeddedChannel(new AmqpConnectionHandler(services));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        messages.close();
    }

    @Test
    void shouldAnswerNonAmqpBytesWithAFramingErrorAndClose() {
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));

        String answer = drainOutbound();
        assertThat(answer).startsWith("AMQP").contains("amqp:connection:framing-error");
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.protocolErrors.get()).isEqualTo(1);
    }

    @Test
    void shouldOpenWhenTheHandshakeArrivesOneByteAtATime() {
        openClient();
        pumpUntil(() -> connection.getRemoteState() == EndpointState.ACTIVE, 1);

        assertThat(connection.getRemoteState()).isEqualTo(EndpointState.ACTIVE);
        assertThat(counters.protocolErrors.get()).isZero();
    }

    @Test
    void shouldReleaseAMessageNoReceiverTook() {
        Session session = openClient();
        Sender sender = sender(session, "nobody");
        Delivery delivery = send(sender, new AmqpValue("hello"));

        pumpUntil(() -> delivery.getRemoteState() != null);
        assertThat(delivery.getRemoteState()).isInstanceOf(Released.class);
        assertThat(delivery.remotelySettled()).isTrue();
        assertThat(counters.released.get()).isEqualTo(1);
    }

    @Test
    void shouldGrantEachSenderItsWindowOfCreditAndTopItUpAsMessagesSettle() {
        Session session = openClient();
        Sender sender = sender(session, "nobody");
        pumpUntil(() -> sender.getCredit() > 0);
        assertThat(sender.getCredit()).isEqualTo(AmqpSettings.LINK_CREDIT_DEFAULT);

        List<Delivery> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(send(sender, new AmqpValue("m" + i)));
        }
        // topped up in batches of a quarter window, never past the window
        pumpUntil(() -> sent.stream().allMatch(d -> d.getRemoteState() != null)
                && sender.getCredit() > AmqpSettings.LINK_CREDIT_DEFAULT * 3 / 4);
        assertThat(sender.getCredit()).isLessThanOrEqualTo(AmqpSettings.LINK_CREDIT_DEFAULT);
        assertThat(counters.released.get()).isEqualTo(100);
    }

    @Test
    void shouldAcceptOnlyOnceALocalReceiverTookTheMessage() {
        Session session = openClient();
        Receiver receiver = session.receiver("r");
        Source source = new Source();
        source.setAddress("mc/news");
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.open();
        receiver.flow(10);
        pumpUntil(() -> receiver.getRemoteState() == EndpointState.ACTIVE && !consumers.isEmpty());
        assertThat(consumers).containsExactly(Address.topicFilter("mc/news"));
        Sender sender = sender(session, "mc/news");
        Delivery sent = send(sender, new Data(new Binary("hello".getBytes(StandardCharsets.UTF_8))));

        pumpUntil(() -> receiver.current() != null && !receiver.current().isPartial());
        Delivery got = receiver.current();
        byte[] bytes = new byte[got.pending()];
        receiver.recv(bytes, 0, bytes.length);
        Message message = Message.Factory.create();
        message.decode(bytes, 0, bytes.length);
        assertThat(((Data) message.getBody()).getValue().toString()).contains("hello");
        assertThat(message.getAddress()).isEqualTo("mc/news");
        pumpUntil(() -> sent.getRemoteState() != null);
        assertThat(sent.getRemoteState()).isInstanceOf(Accepted.class);

        receiver.close();
        pumpUntil(() -> consumers.isEmpty());
    }

    private Session openClient() {
        Sasl sasl = client.sasl();
        sasl.client();
        sasl.setMechanisms("ANONYMOUS");
        client.bind(connection);
        connection.setContainer("test-client");
        connection.open();
        Session session = connection.session();
        session.open();
        return session;
    }

    private static Sender sender(Session session, String address) {
        Sender sender = session.sender("s-" + address);
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSource(new Source());
        sender.open();
        return sender;
    }

    private Delivery send(Sender sender, org.apache.qpid.proton.amqp.messaging.Section body) {
        pumpUntil(() -> sender.getCredit() > 0);
        Message message = Message.Factory.create();
        message.setBody(body);
        byte[] buffer = new byte[1024];
        int length = message.encode(buffer, 0, buffer.length);
        Delivery delivery = sender.delivery(java.nio.ByteBuffer.allocate(8).putLong(nextTag++).array());
        sender.send(buffer, 0, length);
        sender.advance();
        return delivery;
    }

    private void pumpUntil(BooleanSupplier done) {
        pumpUntil(done, 4096);
    }

    private void pumpUntil(BooleanSupplier done, int chunk) {
        for (int round = 0; round < 100 && !done.getAsBoolean(); round++) {
            pump(chunk);
        }
        assertThat(done.getAsBoolean()).as("reached within 100 rounds").isTrue();
    }

    /** One round: the client's output to the router in chunks of {@code chunk} bytes, the router's back. */
    private void pump(int chunk) {
        for (int pending = client.pending(); pending > 0; pending = client.pending()) {
            ByteBuffer head = client.head();
            byte[] bytes = new byte[pending];
            head.duplicate().get(bytes);
            client.pop(pending);
            for (int i = 0; i < bytes.length; i += chunk) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
            }
        }
        channel.runPendingTasks();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            try {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                client.tail().put(bytes);
                client.process();
            } finally {
                out.release();
            }
        }
    }

    private String drainOutbound() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            text.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return text.toString();
    }
}
