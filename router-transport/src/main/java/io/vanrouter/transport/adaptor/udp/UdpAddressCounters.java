package io.vanrouter.transport.adaptor.udp;

/**
 * The UDP counters of one address at this router (listeners and connectors together).
 *
 * @param flowsStarted    client flows its listeners started
 * @param flowsOpen       client flows open or opening now
 * @param flowsExpired    client flows ended after the idle timeout
 * @param flowsServed     flows its connector served (one server socket each)
 * @param datagramsIn     datagrams from clients and servers taken into the network
 * @param datagramsOut    datagrams written to clients and servers
 * @param droppedCongested dropped: the flow's path was congested or not open yet (too many bytes waiting)
 * @param droppedNoConnector dropped: no reachable connector for a new client, or every one failed
 * @param droppedFlowLimit dropped: a new client while the listener had its most flows
 * @param droppedSocketBusy dropped: the socket toward the client or server could not take more
 * @param droppedTooLarge dropped: larger than 65,507 bytes
 */
public record UdpAddressCounters(String address, long flowsStarted, long flowsOpen, long flowsExpired,
        long flowsServed, long datagramsIn, long datagramsOut, long droppedCongested, long droppedNoConnector,
        long droppedFlowLimit, long droppedSocketBusy, long droppedTooLarge) {

    /** Every datagram dropped at this router, whatever the cause. */
    public long dropped() {
        return droppedCongested + droppedNoConnector + droppedFlowLimit + droppedSocketBusy + droppedTooLarge;
    }
}
