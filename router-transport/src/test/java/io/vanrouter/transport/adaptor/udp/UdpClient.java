package io.vanrouter.transport.adaptor.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** A UDP client socket on 127.0.0.1 talking to one port; blocking, with a receive timeout. */
final class UdpClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress target;

    UdpClient(int port) throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(5_000);
        socket.setReceiveBufferSize(4 << 20);
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
    }

    /** The next datagram, exactly as long as it was; throws SocketTimeoutException after 5 s. */
    byte[] receive() throws IOException {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        return Arrays.copyOf(buffer, packet.getLength());
    }

    byte[] exchange(byte[] datagram) throws IOException {
        send(datagram);
        return receive();
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
