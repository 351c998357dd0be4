package io.vanrouter.transport.wire;

import java.util.Objects;

/**
 * HANDSHAKE: who the sender is. Each side sends one right after its preamble.
 *
 * @param modeCode  {@link io.vanrouter.transport.RouterMode} code (kept raw so unknown modes can be refused politely)
 * @param cost      link cost configured at the sender's end, at least 1
 * @param instance  the sender's boot id
 * @param routerId  the sender's router id
 * @param network   the sender's network name
 */
public record HandshakeFrame(int modeCode, int cost, long instance, String routerId, String network) {
    public HandshakeFrame {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(network, "network");
    }
}
