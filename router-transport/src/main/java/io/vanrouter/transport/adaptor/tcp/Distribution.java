package io.vanrouter.transport.adaptor.tcp;

/** How a listener picks among the connectors of its address. */
public enum Distribution {
    /** Fewest open streams to the connector's router for this address plus path cost; rotating tie-break. */
    BALANCED,
    /** This router's connector first, then the cheapest path; round-robin among equals. */
    CLOSEST;

    public static final Distribution DEFAULT = BALANCED;
}
