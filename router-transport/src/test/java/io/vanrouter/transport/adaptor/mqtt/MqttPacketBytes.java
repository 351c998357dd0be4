package io.vanrouter.transport.adaptor.mqtt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes raw MQTT packets for tests and benchmarks that feed the listener bytes, as a client's socket would. */
final class MqttPacketBytes {
    private MqttPacketBytes() {
    }

    /** One packet: {@code typeAndFlags}, the remaining length (seven bits per byte), {@code body}. */
    static void packet(ByteArrayOutputStream out, int typeAndFlags, byte[] body) {
        out.write(typeAndFlags);
        int remaining = body.length;
        do {
            int digit = remaining % 128;
            remaining /= 128;
            out.write(remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        out.writeBytes(body);
    }

    static void packet(ByteArrayOutputStream out, int typeAndFlags, ByteArrayOutputStream body) {
        packet(out, typeAndFlags, body.toByteArray());
    }

    /** An MQTT string: two bytes of length, then UTF-8. */
    static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
