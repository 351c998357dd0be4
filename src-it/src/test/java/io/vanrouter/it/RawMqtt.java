package io.vanrouter.it;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal MQTT 3.1.1 client on a plain socket, for tests that need many cheap connections or a subscriber that
 * stops reading (Paho starts threads per client and always reads). Not thread-safe: one thread per client.
 */
final class RawMqtt implements AutoCloseable {
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBACK = 9;

    /** One packet: its type (upper nibble of the first byte), flags (lower nibble) and the rest. */
    record Packet(int type, int flags, byte[] body) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawMqtt(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /**
     * Connects and completes CONNECT/CONNACK. {@code receiveBufferBytes} > 0 sets a small SO_RCVBUF before connecting,
     * so that a client that stops reading backs up into the router quickly.
     */
    static RawMqtt connect(int port, String clientId, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(30_000);
        RawMqtt client = new RawMqtt(socket);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0x02); // clean session
        body.write(0);
        body.write(60); // keep-alive 60 s
        writeString(body, clientId);
        client.send(0x10, body.toByteArray());
        client.flush();
        Packet connack = client.read();
        if (connack.type() != CONNACK || connack.body()[1] != 0) {
            client.close();
            throw new IOException("CONNECT of " + clientId + " refused: type " + connack.type());
        }
        return client;
    }

    /** SUBSCRIBE to one filter and wait for its SUBACK (publishes that arrive before it are skipped). */
    void subscribe(String filter, int qos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(1); // packet id 1
        writeString(body, filter);
        body.write(qos);
        send(0x82, body.toByteArray());
        flush();
        for (Packet packet = read(); packet.type() != SUBACK; packet = read()) {
            // a retained or early message; not expected, skipped
        }
    }

    /** Buffers one PUBLISH (packet id used for QoS 1 only; {@link #flush} sends); does not wait for its PUBACK. */
    void publish(String topic, byte[] payload, int qos, int packetId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(payload.length + topic.length() + 4);
        writeString(body, topic);
        if (qos > 0) {
            body.write(packetId >> 8);
            body.write(packetId);
        }
        body.write(payload);
        send(0x30 | (qos << 1), body.toByteArray());
    }

    /** Buffers a PUBACK ({@link #flush} sends). */
    void pubAck(int packetId) throws IOException {
        send(0x40, new byte[] {(byte) (packetId >> 8), (byte) packetId});
    }

    void disconnect() throws IOException {
        send(0xE0, new byte[0]);
        out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }

    Packet read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed by the router");
        }
        int length = 0;
        for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
            b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(first >> 4, first & 0x0F, body);
    }

    /** The packet id of a QoS 1 PUBLISH. */
    static int packetId(Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        return ((publish.body()[2 + topicLength] & 0xFF) << 8) | (publish.body()[3 + topicLength] & 0xFF);
    }

    private void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream(body.length + 5);
        packet.write(header);
        int length = body.length;
        do {
            int digit = length & 0x7F;
            length >>>= 7;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.write(body);
        packet.writeTo(out);
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
