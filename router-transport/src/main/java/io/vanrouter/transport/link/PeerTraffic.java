package io.vanrouter.transport.link;

import java.util.ArrayList;
import java.util.List;

/**
 * Traffic with one neighbour router since start: the connections to it that are open now plus the totals of those
 * that closed, so that the sum only grows (a Prometheus counter) across reconnects and data connections coming and
 * going. Attach and detach are rare (link and data connection up and down) and take a lock; so does a read.
 *
 * <p>Any thread.
 */
public final class PeerTraffic {
    private final List<LinkTraffic> open = new ArrayList<>(); // guarded by this
    private long closedBytesIn; // guarded by this
    private long closedBytesOut;
    private long closedFramesIn;
    private long closedFramesOut;

    /** The totals at one moment. */
    public record Totals(long bytesIn, long bytesOut, long framesIn, long framesOut) {
    }

    synchronized void attach(LinkTraffic traffic) {
        open.add(traffic);
    }

    synchronized void detach(LinkTraffic traffic) {
        if (open.remove(traffic)) {
            closedBytesIn += traffic.bytesIn();
            closedBytesOut += traffic.bytesOut();
            closedFramesIn += traffic.framesIn();
            closedFramesOut += traffic.framesOut();
        }
    }

    public synchronized Totals totals() {
        long bytesIn = closedBytesIn;
        long bytesOut = closedBytesOut;
        long framesIn = closedFramesIn;
        long framesOut = closedFramesOut;
        for (LinkTraffic traffic : open) {
            bytesIn += traffic.bytesIn();
            bytesOut += traffic.bytesOut();
            framesIn += traffic.framesIn();
            framesOut += traffic.framesOut();
        }
        return new Totals(bytesIn, bytesOut, framesIn, framesOut);
    }
}
