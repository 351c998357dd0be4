package io.vanrouter.core.message;

import java.util.List;
import java.util.Objects;

/**
 * Keepalive sent on every link each hello interval. {@code seen} lists the router ids the sender has heard a hello
 * from on this link within its dead interval; a neighbour counts only once it lists us (the two-way check).
 */
public record Hello(String routerId, long instance, List<String> seen) implements ControlMessage {
    public Hello {
        Objects.requireNonNull(routerId, "routerId");
        seen = List.copyOf(seen);
    }
}
