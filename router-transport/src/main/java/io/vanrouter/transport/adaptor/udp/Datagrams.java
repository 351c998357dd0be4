package io.vanrouter.transport.adaptor.udp;

import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/** Buffers of UDP sockets. Any thread. */
final class Datagrams {
    /** Room for any datagram, so that none is cut short unseen (larger than the 65,507 carried: those are dropped). */
    private static final int READ_BUFFER_BYTES = 64 << 10;

    private Datagrams() {
    }

    static RecvByteBufAllocator readAllocator() {
        return new FixedRecvByteBufAllocator(READ_BUFFER_BYTES);
    }
}
