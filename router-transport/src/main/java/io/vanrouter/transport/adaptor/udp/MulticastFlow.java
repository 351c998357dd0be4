package io.vanrouter.transport.adaptor.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vanrouter.transport.stream.ConnectorCandidate;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flow of one client at a listener whose address is {@code multicast}: one member {@link ClientFlow} per
 * reachable connector site, each datagram copied to every member (the copies share the bytes until each member's
 * record is written), replies from any site back to the client. A site that becomes reachable while the flow lives
 * joins at the client's next datagram; a member whose stream ends leaves, and the flow ends with its last member.
 *
 * <p>Copies: one per connector site, each on its own stream, so a path shared by two sites carries the datagram
 * twice (docs/adaptors.md).
 *
 * <p>The listener socket's event loop.
 */
final class MulticastFlow implements ListenerFlow {
    private final UdpListener listener;
    private final InetSocketAddress client;
    private final Map<String, ClientFlow> members = new LinkedHashMap<>();
    private EventLoop loop;
    private long directoryVersion;
    private boolean started;
    private boolean over;

    MulticastFlow(UdpListener listener, InetSocketAddress client) {
        this.listener = listener;
        this.client = client;
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }

    int members() {
        return members.size();
    }

    @Override
    public boolean start(EventLoop eventLoop) {
        this.loop = eventLoop;
        joinNewSites();
        if (members.isEmpty()) {
            over = true;
            return false;
        }
        started = true;
        listener.counters.flowStarted(listener.settings.address());
        return true;
    }

    /** Opens a member toward each reachable connector site that has none. */
    private void joinNewSites() {
        directoryVersion = listener.directoryVersion();
        for (ConnectorCandidate candidate : listener.directory.candidates(listener.streamAddress())) {
            String site = candidate.routerId();
            if (members.containsKey(site)) {
                continue;
            }
            ClientFlow member = new ClientFlow(listener, client, site, this::memberClosed);
            members.put(site, member);
            if (!member.start(loop)) {
                members.remove(site, member);
            }
        }
    }

    private void memberClosed(ClientFlow member) {
        members.values().remove(member);
        if (started && members.isEmpty() && !over) {
            over = true;
            listener.counters.flowEnded(listener.settings.address());
            listener.remove(this);
        }
    }

    @Override
    public void offer(ByteBuf datagram) {
        try {
            if (listener.directoryVersion() != directoryVersion) {
                joinNewSites();
            }
            String address = listener.settings.address();
            if (members.isEmpty()) {
                listener.counters.noConnector(address);
                return;
            }
            // Each member takes ownership of what it is offered; the copies share the datagram's bytes.
            for (ClientFlow member : new ArrayList<>(members.values())) {
                member.offer(datagram.retainedDuplicate());
            }
        } finally {
            datagram.release();
        }
    }

    @Override
    public long idleNanos(long nowNanos) {
        long idle = Long.MAX_VALUE;
        for (ClientFlow member : members.values()) {
            idle = Math.min(idle, member.idleNanos(nowNanos));
        }
        return idle;
    }

    @Override
    public void end() {
        for (ClientFlow member : new ArrayList<>(members.values())) {
            member.end();
        }
    }
}
