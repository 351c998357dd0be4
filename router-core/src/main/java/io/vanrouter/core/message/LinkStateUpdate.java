package io.vanrouter.core.message;

import io.vanrouter.core.linkstate.LinkState;
import java.util.Objects;

/** Carries one router's link-state record; flooded to every neighbour that does not already hold it. */
public record LinkStateUpdate(LinkState linkState) implements ControlMessage {
    public LinkStateUpdate {
        Objects.requireNonNull(linkState, "linkState");
    }
}
