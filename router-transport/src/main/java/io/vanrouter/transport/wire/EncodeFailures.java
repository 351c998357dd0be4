package io.vanrouter.transport.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the link encoders do with a frame they cannot encode (a sender's bug, e.g. a frame above the limit): drop it,
 * count it, log it, fail its write. Raising the error into the pipeline instead would close the link and reset every
 * stream and message on it for the sake of one frame. A void promise is not failed: failing it would fire the error
 * into the pipeline, which is exactly what this avoids.
 *
 * <p>One per router, shared by its encoders; any thread.
 */
public final class EncodeFailures {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.link");

    private final String routerId;
    private final AtomicLong dropped = new AtomicLong();

    public EncodeFailures(String routerId) {
        this.routerId = routerId;
    }

    /** Frames dropped because they could not be encoded. */
    public long dropped() {
        return dropped.get();
    }

    /** {@code frame} (already released by the encoder) was not written because of {@code cause}. */
    void drop(ChannelHandlerContext ctx, Object frame, Throwable cause, ChannelPromise promise) {
        dropped.incrementAndGet();
        LOG.error("[{}] link to {}: {} not sent, the link stays up: {}", routerId, ctx.channel().remoteAddress(),
                typeOf(frame), cause.getMessage());
        if (!promise.isVoid()) {
            promise.tryFailure(cause);
        }
    }

    /** {@code StreamFrame$Data}, {@code MessageFrame}: enough to find the sender. */
    private static String typeOf(Object frame) {
        String name = frame.getClass().getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
