package io.vanrouter.transport.adaptor.tcp;

/**
 * Connection counts of one address at this router, for status and metrics.
 *
 * @param accepted         client connections accepted by this router's listeners
 * @param opened           of those, connections that reached a server (STREAM_OPENED)
 * @param refused          closed at once because no connector was reachable
 * @param failed           every reachable connector was tried and none reached its server, or the stream was lost
 *                         before it opened
 * @param served           connections this router's connectors opened to their server
 * @param serveFailed      connections this router's connectors could not open (TLS handshake failures included)
 * @param tlsRefused       of the accepted, clients whose TLS handshake with a listener failed (they got no stream)
 * @param tlsFailed        of the failed to open, TLS handshakes of this router's connectors with the server that failed
 */
public record TcpAddressCounters(String address, long accepted, long opened, long refused, long failed, long served,
        long serveFailed, long tlsRefused, long tlsFailed) {
}
