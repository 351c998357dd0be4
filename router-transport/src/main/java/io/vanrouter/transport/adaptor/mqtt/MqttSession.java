package io.vanrouter.transport.adaptor.mqtt;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPromise;
import io.netty.util.collection.IntObjectHashMap;
import io.vanrouter.transport.message.Blocker;
import io.vanrouter.transport.message.LocalDelivery.Settlement;
import io.vanrouter.transport.message.MessageCounters;
import io.vanrouter.transport.message.MessageCounters.Drop;
import io.vanrouter.transport.message.MessageFrame;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router-to-client side of one MQTT connection: a bounded queue of messages to deliver, QoS 1 packets in flight
 * (at most the client's receive maximum), and back-pressure toward publishers.
 *
 * <p>Queue rules: above {@link #QUEUE_BYTES_HIGH} queued bytes the subscriber is congested and local publishers that
 * feed it are paused; below {@link #QUEUE_BYTES_LOW} they resume. A subscriber congested for longer than
 * {@link #STALL_MAX_MILLIS} is "slow": publishers are no longer paused for it, and past {@link #QUEUE_BYTES_MAX} or
 * {@link #QUEUE_MESSAGES_MAX} messages to it are dropped and counted (NATS "slow consumer").
 *
 * <p>{@link #deliver} and the subscription map: any thread. Everything else: the channel's event loop.
 */
final class MqttSession {
    static final long QUEUE_BYTES_HIGH = 1L << 20;
    static final long QUEUE_BYTES_LOW = 256L << 10;
    static final long QUEUE_BYTES_MAX = 8L << 20;
    static final int QUEUE_MESSAGES_MAX = 100_000;
    static final long STALL_MAX_MILLIS = 2_000;
    /** QoS 1 messages in flight to an MQTT 3.1.1 client (MQTT 5 clients state their receive maximum). */
    static final int INFLIGHT_MAX_V3 = 1_000;
    /** Bytes counted per queued message besides payload and topic. */
    private static final int OVERHEAD_BYTES = 16;
    private static final Settlement NO_SETTLEMENT = accepted -> { };

    private record Outgoing(MessageFrame frame, int qos, Settlement settlement, int bytes) {
    }

    final String key;
    final String clientId;
    final Channel channel;
    private final boolean v5;
    /**
     * Where deliveries are written: the context of Netty's MqttEncoder, so that they pass it by (they are encoded
     * already); the channel when there is none.
     */
    private final ChannelOutboundInvoker deliveries;
    private final int receiveMaximum;
    private final MqttCounters counters;
    /** Where a message dropped at the hard cap is counted against its topic ({@code status addresses}). */
    private final MessageCounters topicCounters;
    /** Subscription string ({@code F} or {@code $share/G/F}) to granted QoS. */
    private final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    /** Deliveries handed over by {@link #deliver} on other threads, moved to {@link #queue} by {@link #service}. */
    private final Queue<Outgoing> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean serviceScheduled = new AtomicBoolean();
    private final Runnable serviceTask = this::service;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final IntObjectHashMap<Settlement> inflight = new IntObjectHashMap<>();
    private int nextPacketId = 1;
    private boolean stallCheckScheduled;
    private volatile boolean slow;
    private volatile boolean closed;
    /** {@code inflight.size()} for readers on other threads (metrics); written by the owning loop. */
    private volatile int inflightCount;
    /** PUBLISH packets written to this client; owning loop (single writer). */
    private volatile long delivered;

    MqttSession(String key, String clientId, Channel channel, boolean v5, int receiveMaximum, MqttCounters counters,
            MessageCounters topicCounters) {
        this.key = key;
        this.clientId = clientId;
        this.channel = channel;
        this.v5 = v5;
        ChannelHandlerContext encoder = channel.pipeline().context(MqttListener.ENCODER);
        this.deliveries = encoder != null ? encoder : channel;
        this.receiveMaximum = receiveMaximum;
        this.counters = counters;
        this.topicCounters = topicCounters;
    }

    Map<String, Integer> subscriptions() {
        return subscriptions;
    }

    /** QoS 1 deliveries written and not yet acknowledged. Any thread. */
    int inflightCount() {
        return inflightCount;
    }

    /** PUBLISH packets written to this client. Any thread. */
    long delivered() {
        return delivered;
    }

    /** Whether it can take a message without queueing much (round robin of shared groups skips it otherwise). */
    boolean canTake() {
        return !closed && channel.isWritable() && queuedBytes.get() < QUEUE_BYTES_HIGH;
    }

    /**
     * Queues {@code frame} (ownership taken) at {@code qos}; {@code settlement} (may be null) is told when the
     * client took it (QoS 1: PUBACK; QoS 0: written) or when it never will (disconnect). Any thread.
     *
     * @return false when the session is closed or its queue is at the hard cap (the frame is released and the
     *         settlement is NOT called)
     */
    boolean deliver(MessageFrame frame, int qos, Settlement settlement, List<Blocker> blockers) {
        int bytes = frame.content().readableBytes() + frame.topic().length() + OVERHEAD_BYTES;
        long total = queuedBytes.addAndGet(bytes);
        int count = queuedMessages.incrementAndGet();
        if (closed || total > QUEUE_BYTES_MAX || count > QUEUE_MESSAGES_MAX) {
            queuedBytes.addAndGet(-bytes);
            queuedMessages.decrementAndGet();
            if (!closed) {
                counters.queueDrops.incrementAndGet();
                topicCounters.drop(frame.topic(), Drop.QUEUE_FULL);
            }
            frame.release();
            return false;
        }
        if (blockers != null && total > QUEUE_BYTES_HIGH && !slow) {
            blockers.add(this::whenClear);
        }
        Outgoing out = new Outgoing(frame, qos, settlement == null ? NO_SETTLEMENT : settlement, bytes);
        if (channel.eventLoop().inEventLoop()) {
            // The owning loop (a publisher or data connection on the subscriber's loop) queues directly: no inbox
            // node and CAS per message. A source delivers from one thread, so its messages keep their order.
            queue.add(out);
        } else {
            inbox.add(out);
        }
        scheduleService();
        return true;
    }

    /**
     * One task per batch, not per message: deliveries that arrive before it runs (the rest of the delivering read
     * batch, on any thread) are written together and flushed once.
     */
    private void scheduleService() {
        if (!serviceScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.eventLoop().execute(serviceTask);
        } catch (RejectedExecutionException e) {
            serviceScheduled.set(false);
            for (Outgoing out = inbox.poll(); out != null; out = inbox.poll()) {
                discard(out);
            }
        }
    }

    /** Moves the inbox to the queue, writes what the channel and window allow, flushes once; owning loop. */
    private void service() {
        serviceScheduled.set(false);
        for (Outgoing out = inbox.poll(); out != null; out = inbox.poll()) {
            if (closed) {
                discard(out);
            } else {
                queue.add(out);
            }
        }
        drain();
    }

    /** Writes queued messages while the channel is writable and the in-flight window allows; flushes; owning loop. */
    void drain() {
        boolean wrote = false;
        while (!closed && channel.isWritable() && !queue.isEmpty()) {
            Outgoing out = queue.peek();
            if (out.qos() > 0 && inflight.size() >= receiveMaximum) {
                break;
            }
            queue.poll();
            queuedBytes.addAndGet(-out.bytes());
            queuedMessages.decrementAndGet();
            write(out);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (queuedBytes.get() < QUEUE_BYTES_LOW) {
            slow = false;
            runWaiters();
        }
    }

    private void write(Outgoing out) {
        int packetId = 0;
        if (out.qos() > 0) {
            packetId = nextPacketId();
            inflight.put(packetId, out.settlement());
            inflightCount = inflight.size();
        }
        MessageFrame frame = out.frame();
        boolean dup = out.qos() > 0 && frame.dup();
        counters.deliveries.incrementAndGet();
        delivered = delivered + 1;
        ChannelPromise promise;
        if (out.qos() == 0 && out.settlement() != NO_SETTLEMENT) {
            promise = channel.newPromise();
            promise.addListener(f -> out.settlement().settled(f.isSuccess()));
        } else {
            promise = channel.voidPromise();
        }
        MqttPublishEncoder.write(deliveries, channel.alloc(), v5, frame.topic(), out.qos(), dup, packetId,
                frame.content(), promise);
    }

    private int nextPacketId() {
        do {
            nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
        } while (inflight.containsKey(nextPacketId));
        return nextPacketId;
    }

    /** The client's PUBACK for a QoS 1 delivery; owning loop. */
    void onPubAck(int packetId) {
        Settlement settlement = inflight.remove(packetId);
        inflightCount = inflight.size();
        if (settlement != null) {
            settlement.settled(true);
            if (!queue.isEmpty()) {
                scheduleService(); // one drain and flush for all PUBACKs of the read batch
            }
        }
    }

    private void whenClear(Runnable resume) {
        waiters.add(resume);
        if (closed || slow || queuedBytes.get() < QUEUE_BYTES_LOW) {
            runWaiters();
            return;
        }
        channel.eventLoop().execute(this::scheduleStallCheck);
    }

    private void scheduleStallCheck() {
        if (stallCheckScheduled || closed) {
            return;
        }
        stallCheckScheduled = true;
        channel.eventLoop().schedule(() -> {
            stallCheckScheduled = false;
            if (!closed && queuedBytes.get() >= QUEUE_BYTES_LOW && !waiters.isEmpty()) {
                slow = true;
                counters.slowSubscribers.incrementAndGet();
                MqttListener.LOG.info("[{}] subscriber {} is slow ({} bytes queued for {} ms): publishers no longer "
                        + "wait for it; past {} bytes its messages are dropped", key, clientId, queuedBytes.get(),
                        STALL_MAX_MILLIS, QUEUE_BYTES_MAX);
                runWaiters();
            }
        }, STALL_MAX_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void runWaiters() {
        for (Runnable resume = waiters.poll(); resume != null; resume = waiters.poll()) {
            resume.run();
        }
    }

    /** The connection is gone: queued and unacknowledged deliveries are settled as not taken. Owning loop. */
    void close() {
        closed = true;
        for (Outgoing out = queue.poll(); out != null; out = queue.poll()) {
            discard(out);
        }
        for (Outgoing out = inbox.poll(); out != null; out = inbox.poll()) {
            discard(out); // later arrivals: deliver refuses them, or the scheduled service discards them
        }
        List<Settlement> unacknowledged = List.copyOf(inflight.values());
        inflight.clear();
        inflightCount = 0;
        unacknowledged.forEach(settlement -> settlement.settled(false));
        runWaiters();
    }

    private void discard(Outgoing out) {
        queuedBytes.addAndGet(-out.bytes());
        queuedMessages.decrementAndGet();
        out.frame().release();
        out.settlement().settled(false);
    }
}
