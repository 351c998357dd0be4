package io.vanrouter.transport.adaptor.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.adaptor.mqtt.auth.PasswordHash;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.message.MessageRouter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SASL PLAIN against the MQTT users file, and the user's topics limiting its links. */
class AmqpSaslPlainTest {
    private static final String SELF = "R-a";

    @TempDir
    Path dir;
    private final AmqpCounters counters = new AmqpCounters();
    private final Transport client = Transport.Factory.create();
    private final Connection connection = Connection.Factory.create();
    private MqttAuthenticator authenticator;
    private MessageRouter messages;
    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        if (messages != null) {
            messages.close();
        }
        if (authenticator != null) {
            authenticator.close();
        }
    }

    private void startRouter() throws Exception {
        Path file = Files.writeString(dir.resolve("users.yaml"), "users: []\n");
        MqttUser sensor = new MqttUser("sensor", PasswordHash.create("secret".toCharArray(), PasswordHash.ITERATIONS_MIN),
                TopicPatterns.of(List.of("sensors/#")), TopicPatterns.NONE);
        authenticator = MqttAuthenticator.load(SELF, file, () -> MqttUsers.of(List.of(sensor)));
        RoutingView routing = RoutingView.empty(SELF);
        messages = new MessageRouter(SELF, 1, 1 << 20, routing::forwarding, new LinkRegistry(SELF));
        AmqpReceivers receivers = new AmqpReceivers(new LocalConsumers() {
            @Override
            public void submitAddConsumer(Address address) {
            }

            @Override
            public void submitRemoveConsumer(Address address) {
            }
        }, counters);
        AmqpSettings settings = new AmqpSettings("127.0.0.1", 0, 1 << 16, 10, 10, true);
        channel = new EmbeddedChannel(new AmqpConnectionHandler(new AmqpServices(SELF, settings, messages, routing,
                receivers, counters, authenticator)));
    }

    private Session open(String user, String password) {
        Sasl sasl = client.sasl();
        sasl.client();
        sasl.plain(user, password);
        client.bind(connection);
        connection.setContainer("test-client");
        connection.open();
        Session session = connection.session();
        session.open();
        return session;
    }

    @Test
    void shouldLetAKnownUserInAndLimitItsSendersToItsTopics() throws Exception {
        startRouter();
        Session session = open("sensor", "secret");
        Sender allowed = sender(session, "sensors/1");
        Sender refused = sender(session, "cmd/1");

        pumpUntil(() -> allowed.getRemoteState() == EndpointState.ACTIVE
                && refused.getRemoteState() == EndpointState.CLOSED);
        assertThat(connection.getRemoteState()).isEqualTo(EndpointState.ACTIVE);
        assertThat(refused.getRemoteCondition().getCondition().toString()).isEqualTo("amqp:unauthorized-access");
        assertThat(counters.snapshot()).containsEntry("authenticationFailures", 0L).containsEntry("linksRefused", 1L);
    }

    @Test
    void shouldRefuseAWrongPassword() throws Exception {
        startRouter();
        open("sensor", "guess");

        pumpUntil(() -> !channel.isOpen());
        assertThat(client.sasl().getOutcome()).isEqualTo(Sasl.PN_SASL_AUTH);
        assertThat(counters.snapshot()).containsEntry("authenticationFailures", 1L);
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

    /** The password check runs on the authenticator's thread: pump until its answer went through. */
    private void pumpUntil(java.util.function.BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
            pump();
            return done.getAsBoolean();
        });
    }

    private void pump() {
        for (int pending = client.pending(); pending > 0; pending = client.pending()) {
            ByteBuffer head = client.head();
            byte[] bytes = new byte[pending];
            head.duplicate().get(bytes);
            client.pop(pending);
            if (channel.isOpen()) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            }
        }
        channel.runPendingTasks();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            try {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                client.tail().put(bytes);
                client.process();
            } catch (RuntimeException e) {
                // the client's transport may have closed after a refused SASL outcome
            } finally {
                out.release();
            }
        }
    }
}
