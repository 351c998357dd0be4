package io.vanrouter.core;

import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.core.port.ControlSender;
import java.util.ArrayList;
import java.util.List;

/** Records everything the core sends or closes, in order. */
public final class RecordingControlSender implements ControlSender {

    /** One sent message. */
    public record Sent(long linkId, ControlMessage message) {
    }

    /** One close request. */
    public record Closed(long linkId, String reason) {
    }

    public final List<Sent> sent = new ArrayList<>();
    public final List<Closed> closed = new ArrayList<>();

    @Override
    public void send(long linkId, ControlMessage message) {
        sent.add(new Sent(linkId, message));
    }

    @Override
    public void closeLink(long linkId, String reason) {
        closed.add(new Closed(linkId, reason));
    }

    public List<Hello> hellosOn(long linkId) {
        List<Hello> result = new ArrayList<>();
        for (Sent s : sent) {
            if (s.linkId() == linkId && s.message() instanceof Hello hello) {
                result.add(hello);
            }
        }
        return result;
    }

    public List<LinkStateUpdate> updatesOn(long linkId) {
        List<LinkStateUpdate> result = new ArrayList<>();
        for (Sent s : sent) {
            if (s.linkId() == linkId && s.message() instanceof LinkStateUpdate update) {
                result.add(update);
            }
        }
        return result;
    }

    public long updateCount() {
        return sent.stream().filter(s -> s.message() instanceof LinkStateUpdate).count();
    }

    public void clear() {
        sent.clear();
        closed.clear();
    }
}
