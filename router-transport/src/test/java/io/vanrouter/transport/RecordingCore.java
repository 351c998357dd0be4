package io.vanrouter.transport;

import io.vanrouter.core.message.ControlMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the transport tells the core. Any thread. */
public final class RecordingCore implements CoreEvents {
    public record LinkUp(long linkId, String peerId, long peerInstance, int cost) {
    }

    public record LinkDown(long linkId, String reason) {
    }

    public record Message(long linkId, ControlMessage message) {
    }

    public final List<LinkUp> ups = new CopyOnWriteArrayList<>();
    public final List<LinkDown> downs = new CopyOnWriteArrayList<>();
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<Long> activity = new CopyOnWriteArrayList<>();

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        ups.add(new LinkUp(linkId, peerId, peerInstance, cost));
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

    /** Links reported up and not yet down. */
    public int linksUp() {
        return ups.size() - downs.size();
    }

    public LinkUp lastUp() {
        return ups.get(ups.size() - 1);
    }
}
