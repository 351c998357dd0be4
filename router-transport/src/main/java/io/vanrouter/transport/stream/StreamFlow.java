package io.vanrouter.transport.stream;

/**
 * One finished stream (a TCP connection through the network) as seen by this router, for the flow log.
 *
 * @param role             {@code listener} or {@code connector}: the end this router held (transit streams are not
 *                         reported)
 * @param address          the service address
 * @param listenerSite     router of the listener side (where the client connected)
 * @param connectorSite    router of the connector side (where the server is); of the last attempt, may be null
 * @param nextHop          the neighbour router the stream left this router through, or null when both ends were
 *                         local (the rest of the path is each router's own choice and not known here)
 * @param client           the socket end at this router, e.g. {@code socket 127.0.0.1:41234}
 * @param opened           whether the connector side was ever reached
 * @param bytesToConnector bytes carried from the client toward the server
 * @param bytesToListener  bytes carried back
 * @param durationNanos    from accept (or open) to the end
 * @param end              {@code normal}, or the reset code in lower case ({@code no_connector}, {@code aborted},
 *                         {@code connect_failed}, {@code link_down}, {@code shutdown}, ...)
 * @param reason           the reset's text, or null for a normal end
 */
public record StreamFlow(String role, String address, String listenerSite, String connectorSite, String nextHop,
        String client, boolean opened, long bytesToConnector, long bytesToListener, long durationNanos, String end,
        String reason) {
}
