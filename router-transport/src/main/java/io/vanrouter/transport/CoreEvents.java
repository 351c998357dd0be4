package io.vanrouter.transport;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.message.ControlMessage;
import java.util.concurrent.TimeUnit;

/**
 * What link handlers tell the routing core. Implemented by {@link CoreLoop}; tests record the calls.
 *
 * <p>Any thread; never blocks.
 */
public interface CoreEvents {

    void submitLinkUp(long linkId, String peerId, long peerInstance, int cost);

    void submitLinkDown(long linkId, String reason);

    void submitMessage(long linkId, ControlMessage message);

    /**
     * Frames arrived on an active link: the neighbour is alive even if its hellos wait behind data. Link handlers call
     * this at most every {@link #linkActivityIntervalNanos()} per link, never per frame.
     */
    void submitLinkActivity(long linkId);

    /** Least time between two {@link #submitLinkActivity} calls for one link: a quarter of the hello interval. */
    default long linkActivityIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT) / 4;
    }
}
