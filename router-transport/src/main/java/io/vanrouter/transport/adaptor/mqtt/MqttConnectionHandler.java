package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.message.Blocker;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.message.PublishOutcome;
import io.vanrouter.transport.wire.MessageCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One MQTT client connection: CONNECT, SUBSCRIBE/UNSUBSCRIBE, PUBLISH in (QoS 0/1; QoS 2 from 3.1.1 clients is
 * carried as QoS 1), PUBACK, PINGREQ, DISCONNECT, the will, keep-alive (1.5 x the client's interval) and bad input.
 * A protocol fault disconnects this client only, with the MQTT 5 reason code and one log line.
 *
 * <p>One per channel; owning event loop.
 */
final class MqttConnectionHandler extends ChannelInboundHandlerAdapter {
    static final int HELD_FOR_AUTHENTICATION_MAX = 64;
    private final MqttListener listener;
    private final String key;
    private MqttSession session;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private String clientId = "?";
    private Will will;
    private boolean cleanDisconnect;
    private boolean failed;
    private int pauses;
    private final AtomicInteger inboundUnacked = new AtomicInteger();
    /** The authenticated user (null: the listener has no users file). */
    private MqttUser user;
    /** Packets decoded after a CONNECT whose password is being checked, replayed once it passed. */
    private ArrayDeque<MqttMessage> heldForAuthentication;
    private boolean publishRefusalLogged;
    /** For the flow log: when the CONNECT was accepted, PUBLISH packets taken, and how the session ended. */
    private long connectedNanos;
    private long messagesIn;
    private String endKind;
    private String endReason;
    /** What this publisher's last PUBLISH fed that cannot take more; the client's loop only, emptied after each. */
    private final List<Blocker> blockers = new ArrayList<>(2);

    private record Will(String topic, byte[] payload, int qos) {
    }

    MqttConnectionHandler(MqttListener listener, String key) {
        this.listener = listener;
        this.key = key;
    }

    private boolean v5() {
        return version == MqttVersion.MQTT_5;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m) || failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (heldForAuthentication != null) {
            holdForAuthentication(ctx, m);
            return;
        }
        if (m.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            badPacket(ctx, m.decoderResult().cause());
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (session == null && type != MqttMessageType.CONNECT) {
            ReferenceCountUtil.release(msg);
            fail(ctx, MqttReasonCodes.Disconnect.PROTOCOL_ERROR, type + " before CONNECT");
            return;
        }
        switch (type) {
            case CONNECT -> onConnect(ctx, (MqttConnectMessage) m);
            case PUBLISH -> onPublish(ctx, (MqttPublishMessage) m);
            case PUBACK -> session.onPubAck(((MqttMessageIdVariableHeader) m.variableHeader()).messageId());
            case PUBREL -> ctx.writeAndFlush(MqttReplies.reply(MqttMessageType.PUBCOMP,
                    ((MqttMessageIdVariableHeader) m.variableHeader()).messageId()), ctx.voidPromise());
            case SUBSCRIBE -> MqttSubscriptions.onSubscribe(ctx, listener, session, m, v5(),
                    user == null ? null : user.subscribe());
            case UNSUBSCRIBE -> MqttSubscriptions.onUnsubscribe(ctx, listener, session, m, v5());
            case PINGREQ -> ctx.writeAndFlush(MqttReplies.pingResp(), ctx.voidPromise());
            case DISCONNECT -> onDisconnect(ctx, m);
            default -> {
                ReferenceCountUtil.release(msg);
                fail(ctx, MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "unexpected " + type);
            }
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        if (session != null) {
            fail(ctx, MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "second CONNECT");
            return;
        }
        var header = connect.variableHeader();
        version = MqttVersion.fromProtocolNameAndLevel(header.name(), (byte) header.version());
        String requested = connect.payload().clientIdentifier();
        String assigned = null;
        if (requested == null || requested.isEmpty()) {
            if (!v5() && !header.isCleanSession()) {
                refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        "empty client id without clean session");
                return;
            }
            assigned = listener.assignClientId();
            requested = assigned;
        }
        clientId = requested;
        if (header.isWillFlag()) {
            if (header.isWillRetain() && v5()) {
                refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_RETAIN_NOT_SUPPORTED, "retained will");
                return;
            }
            will = new Will(connect.payload().willTopic(), connect.payload().willMessageInBytes(),
                    Math.min(1, header.willQos()));
        }
        MqttAuthenticator authenticator = listener.authenticator();
        if (authenticator != null) {
            authenticate(ctx, connect, assigned, authenticator);
            return;
        }
        accept(ctx, connect, assigned);
    }

    /** Checks the CONNECT's user name and password off the event loop; reading waits until the answer is in. */
    private void authenticate(ChannelHandlerContext ctx, MqttConnectMessage connect, String assigned,
            MqttAuthenticator authenticator) {
        if (v5() && connect.variableHeader().properties().getProperty(MqttProperties.AUTHENTICATION_METHOD) != null) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                    "extended authentication is not supported: send a user name and password");
            return;
        }
        String name = connect.variableHeader().hasUserName() ? connect.payload().userName() : null;
        if (name == null || !connect.variableHeader().hasPassword()) {
            refuseCredentials(ctx, "no user name and password in CONNECT (this listener requires them)");
            return;
        }
        heldForAuthentication = new ArrayDeque<>();
        ctx.channel().config().setAutoRead(false);
        authenticator.verify(name, connect.payload().passwordInBytes()).whenComplete((outcome, error) ->
                ctx.executor().execute(() -> authenticated(ctx, connect, assigned, name, outcome, error)));
    }

    private void authenticated(ChannelHandlerContext ctx, MqttConnectMessage connect, String assigned, String name,
            MqttAuthenticator.Outcome outcome, Throwable error) {
        ArrayDeque<MqttMessage> held = heldForAuthentication;
        heldForAuthentication = null;
        if (!ctx.channel().isActive() || failed) {
            held.forEach(ReferenceCountUtil::release);
            return;
        }
        MqttAuthenticator.Verdict verdict = error == null ? outcome.verdict() : MqttAuthenticator.Verdict.BUSY;
        switch (verdict) {
            case ACCEPTED -> {
                user = outcome.user();
                accept(ctx, connect, assigned);
            }
            case UNKNOWN_USER -> refuseCredentials(ctx, "unknown user '" + name + "'");
            case BAD_PASSWORD -> refuseCredentials(ctx, "wrong password for user '" + name + "'");
            case BUSY -> refuse(ctx, v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, error != null
                    ? "password check failed: " + error : "more than " + MqttAuthenticator.QUEUE_MAX
                    + " password checks waiting");
        }
        for (MqttMessage m : held) {
            channelRead(ctx, m); // released there once this connection failed
        }
        if (!failed && pauses == 0) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** A client may send packets before CONNACK; they wait, a few of them, for the password check. */
    private void holdForAuthentication(ChannelHandlerContext ctx, MqttMessage m) {
        if (heldForAuthentication.size() >= HELD_FOR_AUTHENTICATION_MAX) {
            ReferenceCountUtil.release(m);
            heldForAuthentication.forEach(ReferenceCountUtil::release);
            heldForAuthentication.clear();
            fail(ctx, MqttReasonCodes.Disconnect.PROTOCOL_ERROR, "more than " + HELD_FOR_AUTHENTICATION_MAX
                    + " packets before CONNACK");
            return;
        }
        heldForAuthentication.add(m);
    }

    private void refuseCredentials(ChannelHandlerContext ctx, String why) {
        listener.counters().authenticationFailures.incrementAndGet();
        refuse(ctx, v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, why);
    }

    /** Completes a CONNECT whose client is who it says (or when nobody is asked). */
    private void accept(ChannelHandlerContext ctx, MqttConnectMessage connect, String assigned) {
        var header = connect.variableHeader();
        if (will != null && user != null && !user.publish().allowsPublish(will.topic())) {
            refuse(ctx, v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "user '" + user.name()
                    + "' may not publish its will to '" + will.topic() + "' (users file: publish " + user.publish()
                    + ")");
            return;
        }
        if (!header.isCleanSession()) {
            MqttListener.LOG.debug("[{}] client {} asked for a persistent session: this router keeps none, "
                    + "connected as a clean session", listener.routerId(), clientId);
        }
        int receiveMaximum = MqttSession.INFLIGHT_MAX_V3;
        boolean expiryRequested = false;
        if (v5()) {
            MqttProperties props = header.properties();
            var receive = props.getProperty(MqttProperties.RECEIVE_MAXIMUM);
            receiveMaximum = receive == null ? 65_535 : (Integer) receive.value();
            var expiry = props.getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL);
            expiryRequested = expiry != null && ((Integer) expiry.value()) != 0;
        }
        session = new MqttSession(key, clientId, ctx.channel(), v5(), receiveMaximum, listener.counters(),
                listener.topicCounters());
        connectedNanos = System.nanoTime();
        listener.subscriptions().register(session);
        listener.context(this, ctx);
        listener.connected(clientId, this);
        int keepAlive = header.keepAliveTimeSeconds();
        long idleMillis = keepAlive == 0 ? 0 : keepAlive * 1_500L;
        ctx.pipeline().replace(MqttListener.IDLE, MqttListener.IDLE,
                new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        listener.counters().connections.incrementAndGet();
        ctx.writeAndFlush(MqttReplies.connAccepted(v5(), listener.settings(), v5() ? assigned : null,
                expiryRequested));
        MqttListener.LOG.debug("[{}] client {} connected from {} ({}{})", listener.routerId(), clientId,
                ctx.channel().remoteAddress(), version, user == null ? "" : ", user " + user.name());
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        var fixed = publish.fixedHeader();
        int qos = fixed.qosLevel().value();
        if (fixed.isRetain() && v5()) {
            publish.release();
            fail(ctx, MqttReasonCodes.Disconnect.RETAIN_NOT_SUPPORTED, "retained PUBLISH (retain available: 0)");
            return;
        }
        if (qos > 1 && v5()) {
            publish.release();
            fail(ctx, MqttReasonCodes.Disconnect.QOS_NOT_SUPPORTED, "QoS 2 PUBLISH (maximum QoS: 1)");
            return;
        }
        String topic = publish.variableHeader().topicName();
        if (topic == null || topic.isEmpty()) {
            publish.release();
            fail(ctx, MqttReasonCodes.Disconnect.TOPIC_ALIAS_INVALID, "empty topic (topic aliases not supported)");
            return;
        }
        String tooLarge = tooLargeForLinks(topic, publish.payload().readableBytes());
        if (tooLarge != null) {
            publish.release();
            fail(ctx, MqttReasonCodes.Disconnect.PACKET_TOO_LARGE, "PUBLISH on " + tooLarge);
            return;
        }
        int packetId = publish.variableHeader().packetId();
        if (user != null && !user.publish().allowsPublish(topic)) {
            publish.release();
            refusePublish(ctx, topic, qos, packetId);
            return;
        }
        if (qos > 0 && inboundUnacked.incrementAndGet() > listener.settings().receiveMaximum() && v5()) {
            publish.release();
            fail(ctx, MqttReasonCodes.Disconnect.RECEIVE_MAXIMUM_EXCEEDED, "more than "
                    + listener.settings().receiveMaximum() + " unacknowledged QoS 1 publishes");
            return;
        }
        listener.counters().publishesIn.incrementAndGet();
        messagesIn++;
        MessageFrame frame = new MessageFrame(Math.min(qos, 1), false, MessageFrame.HOPS_INITIAL,
                listener.routerId(), listener.router().nextMessageId(), topic, "", "", publish.payload());
        listener.router().publishForOutcome(frame, qos == 0 ? null : new InboundAck(ctx, packetId, qos), blockers);
        if (!blockers.isEmpty()) {
            pause(ctx, blockers);
            blockers.clear();
        }
    }

    /**
     * The answer to one QoS 1 (or, from a 3.1.1 client, QoS 2) PUBLISH, written on the client's loop once the publish
     * is complete: one object per message for both the completion and the hop back.
     */
    private final class InboundAck implements PublishOutcome, Runnable {
        private final ChannelHandlerContext ctx;
        private final int packetId;
        private final int qos;

        InboundAck(ChannelHandlerContext ctx, int packetId, int qos) {
            this.ctx = ctx;
            this.packetId = packetId;
            this.qos = qos;
        }

        @Override
        public void completed(boolean delivered) { // MQTT's PUBACK does not say whether anyone received it
            ctx.executor().execute(this);
        }

        @Override
        public void run() {
            inboundUnacked.decrementAndGet();
            ctx.writeAndFlush(MqttReplies.acceptance(ctx.alloc(),
                    qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId), ctx.voidPromise());
        }
    }

    /**
     * A PUBLISH outside the user's topics: MQTT 5 answers a QoS 1 one with PUBACK 0x87 (not authorized) and drops a
     * QoS 0 one; 3.1.1 has no such code, so the client is disconnected.
     */
    private void refusePublish(ChannelHandlerContext ctx, String topic, int qos, int packetId) {
        listener.counters().publishesRefused.incrementAndGet();
        String why = "user '" + user.name() + "' may not publish to '" + topic + "' (users file: publish "
                + user.publish() + ")";
        if (!v5()) {
            fail(ctx, MqttReasonCodes.Disconnect.NOT_AUTHORIZED, why);
            return;
        }
        if (!publishRefusalLogged) { // one line per connection: a client may retry in a loop
            publishRefusalLogged = true;
            MqttListener.LOG.warn("[{}] MQTT client {} from {}: {}: refused{}", listener.routerId(), clientId,
                    ctx.channel().remoteAddress(), why, qos == 0 ? " (dropped, QoS 0)" : " (PUBACK 0x87)");
        }
        if (qos > 0) {
            ctx.writeAndFlush(MqttReplies.pubAck(packetId, MqttReasonCodes.PubAck.NOT_AUTHORIZED.byteValue()),
                    ctx.voidPromise());
        }
    }

    /**
     * The users file changed: a user who is gone, whose password changed, or who may no longer hold one of its
     * subscriptions is disconnected; narrower or wider publish rights apply from the next PUBLISH.
     */
    void usersChanged(ChannelHandlerContext ctx, MqttUsers users) {
        if (user == null || failed || session == null) {
            return;
        }
        MqttUser now = users.get(user.name());
        String why = null;
        if (now == null) {
            why = "user '" + user.name() + "' was removed from the users file";
        } else if (!now.password().equals(user.password())) {
            why = "the password of user '" + user.name() + "' changed";
        } else {
            for (String subscription : session.subscriptions().keySet()) {
                if (!now.subscribe().allowsSubscribe(subscription)) {
                    why = "user '" + user.name() + "' may no longer subscribe to '" + subscription + "'";
                    break;
                }
            }
        }
        if (why != null) {
            fail(ctx, MqttReasonCodes.Disconnect.NOT_AUTHORIZED, why);
        } else {
            user = now;
        }
    }

    /**
     * Counts and describes a message whose MESSAGE frame could exceed the links' frame limit, which the link encoder
     * would drop after the publisher was told it was sent; null when it fits. With {@code check-config}'s rule
     * (mqtt.maxMessageBytes fits in routing.maxFrameBytes) every message fits; this guards other settings.
     */
    private String tooLargeForLinks(String topic, int payloadBytes) {
        int topicBytes = ByteBufUtil.utf8Bytes(topic);
        long frameBytes = MessageCodec.frameBytesMax(topicBytes, payloadBytes);
        int limit = listener.router().maxFrameBytes();
        if (frameBytes <= limit) {
            return null;
        }
        listener.counters().tooLargeForLinks.incrementAndGet();
        return "a topic of " + topicBytes + " bytes with a payload of " + payloadBytes + " bytes: its MESSAGE frame"
                + " (up to " + frameBytes + " bytes) exceeds routing.maxFrameBytes (" + limit + ")";
    }

    /** Stops reading this publisher until everything it just fed is clear again. */
    private void pause(ChannelHandlerContext ctx, List<Blocker> blockers) {
        listener.counters().publisherPauses.incrementAndGet();
        pauses++;
        ctx.channel().config().setAutoRead(false);
        AtomicInteger left = new AtomicInteger(blockers.size());
        for (Blocker blocker : blockers) {
            blocker.whenClear(() -> {
                if (left.decrementAndGet() == 0) {
                    ctx.executor().execute(() -> {
                        if (--pauses == 0) {
                            ctx.channel().config().setAutoRead(true);
                        }
                    });
                }
            });
        }
    }

    private void onDisconnect(ChannelHandlerContext ctx, MqttMessage m) {
        boolean withWill = m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader reason
                && reason.reasonCode() == MqttReasonCodes.Disconnect.DISCONNECT_WITH_WILL_MESSAGE.byteValue();
        cleanDisconnect = !withWill;
        if (endKind == null) {
            endKind = withWill ? "disconnect_with_will" : "disconnect";
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (session == null) {
                MqttListener.LOG.info("[{}] MQTT connection from {} sent no CONNECT in {} ms: closing",
                        listener.routerId(), ctx.channel().remoteAddress(), listener.settings().connectTimeoutMillis());
                ctx.close();
                return;
            }
            listener.counters().keepAliveTimeouts.incrementAndGet();
            fail(ctx, MqttReasonCodes.Disconnect.KEEP_ALIVE_TIMEOUT, "nothing received for 1.5 x keep-alive");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null && ctx.channel().isWritable()) {
            session.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heldForAuthentication != null) {
            heldForAuthentication.forEach(ReferenceCountUtil::release);
            heldForAuthentication.clear();
        }
        if (session != null) {
            listener.subscriptions().unregister(session);
            session.close();
            listener.disconnected(clientId, this);
            if (!cleanDisconnect && will != null) {
                sendWill();
            }
            reportFlow(ctx);
        }
        ctx.fireChannelInactive();
    }

    private void reportFlow(ChannelHandlerContext ctx) {
        Consumer<MqttSessionFlow> flows = listener.flows();
        if (flows != null) {
            flows.accept(new MqttSessionFlow(clientId, user == null ? null : user.name(),
                    LinkSession.format(ctx.channel().remoteAddress()), version.name(),
                    System.nanoTime() - connectedNanos, messagesIn, session.delivered(),
                    endKind == null ? "closed" : endKind, endReason));
        }
    }

    /**
     * Subscriptions of this client; any thread. {@code session} is set before the handler is published in the
     * listener's client map, which is how other threads find it.
     */
    int subscriptionCount() {
        MqttSession current = session;
        return current == null ? 0 : current.subscriptions().size();
    }

    /** QoS 1 deliveries to this client not yet acknowledged; any thread (see {@link #subscriptionCount}). */
    int inflightCount() {
        MqttSession current = session;
        return current == null ? 0 : current.inflightCount();
    }

    private void sendWill() {
        String tooLarge = tooLargeForLinks(will.topic(), will.payload().length);
        if (tooLarge != null) {
            MqttListener.LOG.warn("[{}] will of MQTT client {} not sent: {}", listener.routerId(), clientId, tooLarge);
            return;
        }
        listener.counters().willsSent.incrementAndGet();
        listener.router().publish(new MessageFrame(will.qos(), false, MessageFrame.HOPS_INITIAL, listener.routerId(),
                listener.router().nextMessageId(), will.topic(), "", "", Unpooled.wrappedBuffer(will.payload())),
                null, null);
    }

    /** Another connection took this client id over (MQTT: the older one is disconnected). */
    void takenOver(ChannelHandlerContext ctx) {
        fail(ctx, MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER, "client id taken over by a new connection");
    }

    private void badPacket(ChannelHandlerContext ctx, Throwable cause) {
        listener.counters().badPackets.incrementAndGet();
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    "unacceptable protocol name or version: " + cause.getMessage());
        } else if (cause instanceof MqttIdentifierRejectedException) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, cause.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            fail(ctx, MqttReasonCodes.Disconnect.PACKET_TOO_LARGE, cause.getMessage());
        } else {
            fail(ctx, MqttReasonCodes.Disconnect.MALFORMED_PACKET, String.valueOf(cause.getMessage()));
        }
    }

    private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code, String why) {
        failed = true;
        listener.counters().refused.incrementAndGet();
        MqttListener.LOG.warn("[{}] MQTT client {} from {} refused: {} ({})", listener.routerId(), clientId,
                ctx.channel().remoteAddress(), why, code);
        ctx.writeAndFlush(MqttReplies.connRefused(code)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Disconnects this client: MQTT 5 gets a DISCONNECT with the reason first; 3.1.1 clients are just closed. */
    void fail(ChannelHandlerContext ctx, MqttReasonCodes.Disconnect reason, String why) {
        if (failed) {
            return;
        }
        failed = true;
        endKind = reason.name().toLowerCase(Locale.ROOT);
        endReason = why;
        MqttListener.LOG.warn("[{}] MQTT client {} from {}: {}: disconnecting ({} 0x{})", listener.routerId(), clientId,
                ctx.channel().remoteAddress(), why, reason, Integer.toHexString(reason.byteValue() & 0xFF));
        if (v5() && session != null) {
            ctx.writeAndFlush(MqttReplies.disconnect(reason.byteValue())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
