package io.vanrouter.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/** Makes the next close of a TCP connection an abort (RST), so the other side sees a failure, never an orderly end. */
public final class AbortiveClose {
    private AbortiveClose() {
    }

    /** SO_LINGER 0 on an open channel that supports it; the caller closes it. */
    public static void arm(Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            // not supported by this channel type: a plain close will do
        }
    }
}
