package io.vanrouter.transport.stream;

/**
 * One live stream at this router, for {@code vanrouter status connections}.
 *
 * @param serial           this router's sequence number of the stream
 * @param role             {@code listener}, {@code transit} or {@code connector}: this router's part
 * @param address          the service address
 * @param origin           router of the listener side
 * @param destination      router of the connector side
 * @param state            {@code opening}, {@code open} or {@code closed}
 * @param bytesToConnector bytes carried from the listener side toward the connector side
 * @param bytesToListener  bytes carried back
 * @param bufferedBytes    bytes this router holds for the stream (waiting for credit, or written to a socket and
 *                         not yet completed)
 * @param ageMillis        time since the stream was created here
 * @param ends             the two ends, e.g. {@code socket 127.0.0.1:41234 <-> link L2 (c) #7}
 */
public record StreamView(
        long serial,
        String role,
        String address,
        String origin,
        String destination,
        String state,
        long bytesToConnector,
        long bytesToListener,
        long bufferedBytes,
        long ageMillis,
        String ends) {
}
