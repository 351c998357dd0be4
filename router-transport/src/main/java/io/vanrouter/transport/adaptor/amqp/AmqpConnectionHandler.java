package io.vanrouter.transport.adaptor.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.netty.Errors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP client connection: feeds the socket's bytes to a proton {@link Transport}, handles the engine's events
 * (open, attach, transfer, disposition, detach, close) and writes what the transport produces. Links are attached by
 * {@link LinkAttacher}. Bad input (not AMQP, a bad frame, a protocol violation) is proton's to detect: the client
 * gets proton's error (a header or a CLOSE with the condition), the router logs one WARN line with its id, the peer
 * and the cause, counts it and closes this connection only.
 *
 * <p>Owning event loop only (proton's engine is not thread-safe); links hop here for everything they do.
 */
final class AmqpConnectionHandler extends ChannelInboundHandlerAdapter {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.amqp");
    /** How often the transport is ticked (heartbeats for clients that asked for an idle timeout). */
    static final long TICK_MILLIS = 1_000;
    /** A client that sends nothing for this long is closed (advertised as our idle timeout). */
    static final int IDLE_TIMEOUT_MILLIS = 60_000;

    private final AmqpServices services;
    private final Transport transport = Transport.Factory.create();
    private final Connection connection = Connection.Factory.create();
    private final Collector collector = Collector.Factory.create();
    private final List<OutgoingLink> outgoing = new ArrayList<>();
    private final List<IncomingLink> incoming = new ArrayList<>();
    private ChannelHandlerContext ctx;
    /** A {@link #flushSoon} task is queued on the loop. Event loop only. */
    private boolean flushScheduled;
    private String peer = "?";
    private ScheduledFuture<?> ticker;
    private boolean failed;
    /** SASL refused: the outcome is written, then the socket closed (proton keeps the transport open). */
    private boolean refused;
    private boolean ended;
    /** The SASL PLAIN user once its password passed (null: ANONYMOUS, or not yet): its topics limit its links. */
    private MqttUser user;

    AmqpConnectionHandler(AmqpServices services) {
        this.services = services;
    }

    AmqpCounters counters() {
        return services.counters();
    }

    String peer() {
        return peer;
    }

    /** The authenticated user, or null when the listener takes ANONYMOUS. */
    MqttUser user() {
        return user;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        ctx = context;
        peer = String.valueOf(context.channel().remoteAddress());
        services.counters().connectionsOpened.incrementAndGet();
        services.counters().connectionsOpen.incrementAndGet();
        transport.setMaxFrameSize(AmqpSettings.MAX_FRAME_BYTES);
        // Advertised in OPEN: a client silent this long (no frame, no heartbeat) is closed by tick(), so dead or
        // half-open clients do not hold receivers and queues for ever. Proton clients send heartbeats at half of it.
        transport.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        Sasl sasl = transport.sasl();
        sasl.server();
        if (services.authenticator() == null) {
            sasl.setMechanisms("ANONYMOUS");
            sasl.allowSkip(true); // clients configured without SASL send the plain AMQP header
        } else {
            sasl.setMechanisms("PLAIN"); // no skipping: every client must authenticate
        }
        sasl.setListener(new ServerSasl());
        connection.setContainer(services.routerId());
        connection.collect(collector);
        transport.bind(connection);
        ticker = context.executor().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && !failed) {
                int capacity = transport.capacity();
                if (capacity <= 0) {
                    if (!refused) {
                        fail("input after the connection ended");
                    }
                    break;
                }
                int n = Math.min(capacity, in.readableBytes());
                transport.tail().put(in.nioBuffer(in.readerIndex(), n));
                in.skipBytes(n);
                transport.process();
                handleEvents();
            }
        } catch (TransportException | IllegalStateException | IllegalArgumentException e) {
            // proton signals most faults through the TRANSPORT_ERROR event; these are what it throws instead
            fail(Errors.describe(e));
        } finally {
            in.release();
        }
        flushOutput();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        end();
        context.fireChannelInactive();
    }

    private void tick() {
        if (!ended) {
            transport.tick(System.currentTimeMillis());
            handleEvents();
            flushOutput();
        }
    }

    /**
     * Event loop: writes what the transport produced once the tasks already queued on the loop have run. Outcomes and
     * messages from the message plane arrive as one task each; flushing in each would write one segment per message.
     */
    void flushSoon() {
        if (flushScheduled || ctx == null) {
            return;
        }
        flushScheduled = true;
        try {
            ctx.channel().eventLoop().execute(() -> {
                flushScheduled = false;
                flushOutput();
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the connection closes with its loop
        }
    }

    /** Writes whatever the transport has produced; closes the socket once the transport is done. */
    void flushOutput() {
        if (ctx == null || ended) {
            return;
        }
        boolean wrote = false;
        for (int pending = transport.pending(); pending > 0; pending = transport.pending()) {
            ByteBuffer head = transport.head();
            ByteBuf out = ctx.alloc().buffer(pending);
            out.writeBytes(head.duplicate());
            transport.pop(pending);
            ctx.write(out, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (transport.pending() < 0 || failed || refused) {
            ctx.close(); // the transport's head is closed (CLOSE sent, or an error was written)
        }
    }

    private void handleEvents() {
        for (Event event = collector.peek(); event != null; event = collector.peek()) {
            try {
                handle(event);
            } finally {
                collector.pop();
            }
        }
    }

    private void handle(Event event) {
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN -> connection.open();
            case CONNECTION_REMOTE_CLOSE -> {
                closeLinks();
                connection.close();
            }
            case SESSION_REMOTE_OPEN -> {
                if (event.getSession().getLocalState() == EndpointState.UNINITIALIZED) {
                    event.getSession().open();
                }
            }
            case SESSION_REMOTE_CLOSE -> event.getSession().close();
            case LINK_REMOTE_OPEN -> new LinkAttacher(this, services, ctx.channel().eventLoop())
                    .attach(event.getLink());
            case LINK_REMOTE_DETACH, LINK_REMOTE_CLOSE -> {
                Link link = event.getLink();
                closeLink(link);
                if (event.getType() == Event.Type.LINK_REMOTE_DETACH) {
                    link.detach();
                } else {
                    link.close();
                }
            }
            case LINK_FLOW -> {
                if (event.getLink() instanceof Sender && event.getLink().getContext() instanceof OutgoingLink out) {
                    out.sendQueued();
                }
            }
            case DELIVERY -> onDelivery(event.getDelivery());
            case TRANSPORT_ERROR -> {
                // our own condition first: proton sets it when the idle timeout expires, then reports the abort
                ErrorCondition local = connection.getCondition();
                ErrorCondition condition = local != null && local.getCondition() != null ? local
                        : transport.getCondition();
                fail(condition == null ? "transport error" : condition.getCondition() + ": "
                        + condition.getDescription());
            }
            default -> {
            }
        }
    }

    private void onDelivery(Delivery delivery) {
        Object context = delivery.getLink().getContext();
        if (context instanceof IncomingLink in) {
            in.onDelivery(delivery);
        } else if (context instanceof OutgoingLink out) {
            out.onDisposition(delivery);
        }
    }

    void added(IncomingLink link) {
        incoming.add(link);
    }

    void added(OutgoingLink link) {
        outgoing.add(link);
    }

    /** Ends a link of ours with an error the client sees in its DETACH. */
    void detachWithError(Link link, Symbol condition, String description) {
        LOG.warn("[{}] AMQP {}: link '{}' detached: {}", services.routerId(), peer, link.getName(), description);
        closeLink(link);
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
    }

    private void closeLink(Link link) {
        Object context = link.getContext();
        if (context instanceof OutgoingLink out) {
            services.receivers().remove(out.consumed(), out);
            out.close();
            outgoing.remove(out);
        } else if (context instanceof IncomingLink in) {
            in.close();
            incoming.remove(in);
        }
        link.setContext(null);
    }

    private void closeLinks() {
        for (OutgoingLink out : List.copyOf(outgoing)) {
            services.receivers().remove(out.consumed(), out);
            out.close();
        }
        outgoing.clear();
        for (IncomingLink in : incoming) {
            in.close();
        }
        incoming.clear();
    }

    /** A protocol fault: one WARN line, counted; the socket closes after proton's answer is written. */
    private void fail(String cause) {
        if (failed) {
            return;
        }
        failed = true;
        services.counters().protocolErrors.incrementAndGet();
        LOG.warn("[{}] AMQP connection from {} closed: {}", services.routerId(), peer, cause);
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        closeLinks();
        services.counters().connectionsOpen.decrementAndGet();
    }

    /**
     * ANONYMOUS when the listener has no users file; else PLAIN, whose password is checked on the authenticator's
     * thread (about 50 ms, never on this loop): the outcome is sent when the check completes, and proton holds what
     * the client sends meanwhile.
     */
    private final class ServerSasl implements org.apache.qpid.proton.engine.SaslListener {
        @Override
        public void onSaslInit(Sasl sasl, Transport t) {
            String[] mechanisms = sasl.getRemoteMechanisms();
            String mechanism = mechanisms.length > 0 ? mechanisms[0] : "none";
            MqttAuthenticator authenticator = services.authenticator();
            if (authenticator == null && "ANONYMOUS".equals(mechanism)) {
                sasl.done(Sasl.PN_SASL_OK);
                return;
            }
            if (authenticator == null || !"PLAIN".equals(mechanism)) {
                refuse(sasl, "SASL mechanism " + mechanism + " (only " + (authenticator == null ? "ANONYMOUS"
                        : "PLAIN") + " is offered)");
                return;
            }
            byte[] response = new byte[Math.max(0, sasl.pending())];
            sasl.recv(response, 0, response.length);
            SaslPlain.Credentials credentials = SaslPlain.parse(response);
            if (credentials == null) {
                refuse(sasl, "malformed SASL PLAIN response");
                return;
            }
            authenticator.verify(credentials.user(), credentials.password()).whenComplete((outcome, error) ->
                    ctx.executor().execute(() -> verified(sasl, credentials.user(), outcome, error)));
        }

        private void verified(Sasl sasl, String name, MqttAuthenticator.Outcome outcome, Throwable error) {
            if (ended) {
                return;
            }
            if (error == null && outcome.verdict() == MqttAuthenticator.Verdict.ACCEPTED) {
                user = outcome.user();
                sasl.done(Sasl.PN_SASL_OK);
                LOG.debug("[{}] AMQP connection from {}: user '{}' authenticated", services.routerId(), peer, name);
            } else {
                refuse(sasl, error != null ? "password check failed: " + Errors.describe(error)
                        : switch (outcome.verdict()) {
                            case UNKNOWN_USER -> "unknown user '" + name + "'";
                            case BAD_PASSWORD -> "wrong password for user '" + name + "'";
                            default -> "too many password checks waiting (server busy)";
                        });
            }
            flushOutput();
        }

        private void refuse(Sasl sasl, String cause) {
            services.counters().authenticationFailures.incrementAndGet();
            LOG.warn("[{}] AMQP connection from {} refused: {}", services.routerId(), peer, cause);
            sasl.done(Sasl.PN_SASL_AUTH);
            refused = true;
        }

        @Override
        public void onSaslMechanisms(Sasl sasl, Transport t) {
        }

        @Override
        public void onSaslChallenge(Sasl sasl, Transport t) {
        }

        @Override
        public void onSaslResponse(Sasl sasl, Transport t) {
        }

        @Override
        public void onSaslOutcome(Sasl sasl, Transport t) {
        }
    }
}
