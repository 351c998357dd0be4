package io.vanrouter.transport.adaptor.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A UDP server on 127.0.0.1 that sends every datagram back to its sender, and remembers the senders it saw. */
final class UdpEchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    final Set<Integer> senderPorts = ConcurrentHashMap.newKeySet();

    UdpEchoServer() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::run, "udp-echo-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buffer = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                senderPorts.add(packet.getPort());
                socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a client that went away: carry on
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
