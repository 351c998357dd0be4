package io.vanrouter.transport.adaptor.amqp;

import io.netty.channel.EventLoop;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

/**
 * Answers a client's ATTACH: a client sender (our {@link Receiver}) publishes to its target address, a client
 * receiver (our {@link Sender}) consumes its source address ({@link AmqpAddresses}). A link without a usable address
 * (dynamic, anonymous relay, a transaction coordinator, MQTT wildcards in a sender's address) is refused the AMQP way:
 * attached with no terminus, then detached with {@code amqp:invalid-field} or {@code amqp:not-implemented}.
 *
 * <p>Owning event loop only.
 */
final class LinkAttacher {
    static final Symbol INVALID_FIELD = Symbol.valueOf("amqp:invalid-field");
    static final Symbol NOT_IMPLEMENTED = Symbol.valueOf("amqp:not-implemented");
    static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");

    private final AmqpConnectionHandler connection;
    private final AmqpServices services;
    private final EventLoop loop;

    LinkAttacher(AmqpConnectionHandler connection, AmqpServices services, EventLoop loop) {
        this.connection = connection;
        this.services = services;
        this.loop = loop;
    }

    void attach(Link link) {
        if (link.getLocalState() != EndpointState.UNINITIALIZED) {
            return;
        }
        // Echo the client's settle mode: a client that sends settled (at most once) gets that; we settle first.
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        if (link instanceof Receiver receiver) {
            attachSender(receiver);
        } else {
            attachReceiver((Sender) link);
        }
    }

    /** A client sender: messages to the target address. */
    private void attachSender(Receiver receiver) {
        if (!(receiver.getRemoteTarget() instanceof Target target)) {
            refuse(receiver, NOT_IMPLEMENTED, "only message targets are supported (no transactions)");
            return;
        }
        String address = target.getAddress();
        try {
            AmqpAddresses.forSender(address);
        } catch (IllegalArgumentException e) {
            refuse(receiver, INVALID_FIELD, "target address '" + address + "': " + e.getMessage());
            return;
        }
        MqttUser user = connection.user();
        if (user != null && !user.publish().allowsPublish(address)) {
            refuse(receiver, UNAUTHORIZED, "user '" + user.name() + "' may not publish to '" + address
                    + "' (users file: publish " + user.publish() + ")");
            return;
        }
        receiver.setTarget(target);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(services.settings().maxMessageBytes()));
        IncomingLink in = new IncomingLink(connection, loop, receiver, address, services.messages(),
                services.settings().linkCredit(), services.settings().maxMessageBytes());
        receiver.setContext(in);
        connection.added(in);
        receiver.open();
        in.grantCredit();
        AmqpConnectionHandler.LOG.debug("[{}] AMQP {}: sender attached to '{}'", services.routerId(),
                connection.peer(), address);
    }

    /** A client receiver: messages from the source address. */
    private void attachReceiver(Sender sender) {
        if (!(sender.getRemoteSource() instanceof Source source)) {
            refuse(sender, NOT_IMPLEMENTED, "only message sources are supported");
            return;
        }
        String address = source.getAddress();
        Address consumed;
        try {
            if (source.getDynamic()) {
                throw new IllegalArgumentException("dynamic sources are not supported");
            }
            consumed = AmqpAddresses.forReceiver(address, services.routing().forwarding().addresses().rules());
        } catch (IllegalArgumentException e) {
            refuse(sender, INVALID_FIELD, "source address '" + address + "': " + e.getMessage());
            return;
        }
        MqttUser user = connection.user();
        if (user != null && !user.subscribe().allowsSubscribe(address)) {
            refuse(sender, UNAUTHORIZED, "user '" + user.name() + "' may not receive from '" + address
                    + "' (users file: subscribe " + user.subscribe() + ")");
            return;
        }
        sender.setSource(source);
        sender.setTarget(sender.getRemoteTarget());
        OutgoingLink out = new OutgoingLink(connection, loop, sender, address, consumed,
                services.settings().receiverQueueMax());
        sender.setContext(out);
        connection.added(out);
        sender.open();
        services.receivers().add(consumed, out);
        AmqpConnectionHandler.LOG.debug("[{}] AMQP {}: receiver attached to '{}' as {}", services.routerId(),
                connection.peer(), address, consumed);
    }

    private void refuse(Link link, Symbol condition, String description) {
        services.counters().linksRefused.incrementAndGet();
        AmqpConnectionHandler.LOG.info("[{}] AMQP {}: link '{}' refused: {}", services.routerId(), connection.peer(),
                link.getName(), description);
        if (link instanceof Receiver) {
            link.setTarget(null);
            link.setSource(link.getRemoteSource());
        } else {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        }
        link.open();
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
    }
}
