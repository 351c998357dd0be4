package io.vanrouter.transport;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.transport.adaptor.LocalConsumers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the transport and its adaptors tell the core. Any thread. */
public final class RecordingCore implements CoreEvents, LocalConsumers {
    public record LinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge) {
        public LinkUp(long linkId, String peerId, long peerInstance, int cost) {
            this(linkId, peerId, peerInstance, cost, false);
        }
    }

    public record LinkDown(long linkId, String reason) {
    }

    public record Message(long linkId, ControlMessage message) {
    }

    public final List<LinkUp> ups = new CopyOnWriteArrayList<>();
    /** The intervals each link's peer announced, in link-up order (null: none). */
    public final List<Liveness> peerLiveness = new CopyOnWriteArrayList<>();
    /** What this core tells the transport to announce. */
    public volatile Liveness liveness = new Liveness(1_000, 3_000);
    public final List<LinkDown> downs = new CopyOnWriteArrayList<>();
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<Long> activity = new CopyOnWriteArrayList<>();
    /** Local consumers announced, in order; a removal is recorded as {@code "-" + address}. */
    public final List<String> consumers = new CopyOnWriteArrayList<>();

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        ups.add(new LinkUp(linkId, peerId, peerInstance, cost));
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge) {
        ups.add(new LinkUp(linkId, peerId, peerInstance, cost, peerIsEdge));
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge,
            Liveness announced) {
        peerLiveness.add(announced == null ? NONE : announced);
        submitLinkUp(linkId, peerId, peerInstance, cost, peerIsEdge);
    }

    /** Recorded for a peer that announced no intervals (the list takes no nulls). */
    public static final Liveness NONE = new Liveness(1, 2);

    @Override
    public Liveness liveness() {
        return liveness;
    }

    @Override
    public void submitLinkDown(long linkId, String reason) {
        downs.add(new LinkDown(linkId, reason));
    }

    @Override
    public void submitMessage(long linkId, ControlMessage message) {
        messages.add(new Message(linkId, message));
    }

    @Override
    public void submitLinkActivity(long linkId) {
        activity.add(linkId);
    }

    @Override
    public void submitAddConsumer(Address address) {
        consumers.add(address.toString());
    }

    @Override
    public void submitRemoveConsumer(Address address) {
        consumers.add("-" + address);
    }

    /** Links reported up and not yet down. */
    public int linksUp() {
        return ups.size() - downs.size();
    }

    public LinkUp lastUp() {
        return ups.get(ups.size() - 1);
    }
}
