package io.vanrouter.transport.adaptor.amqp;

/**
 * Validated settings of the AMQP listener ({@code amqp:} in the configuration).
 *
 * @param host            address to listen on
 * @param port            port (0: any free port)
 * @param maxMessageBytes largest encoded AMQP message accepted from a sender (a larger one is rejected, the link stays)
 * @param linkCredit      credit the router grants each sender link, and the most unsettled messages it holds from one
 * @param receiverQueueMax messages the router holds for one receiver link (waiting for credit or for settlement);
 *                        past it multicast copies are dropped and counted and anycast copies go to another receiver
 * @param saslPlain       offer SASL PLAIN only, checked against the MQTT users file (the daemon wires the file),
 *                        instead of ANONYMOUS
 */
public record AmqpSettings(String host, int port, int maxMessageBytes, int linkCredit, int receiverQueueMax,
        boolean saslPlain) {
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 256 << 10;
    public static final int LINK_CREDIT_DEFAULT = 250;
    public static final int RECEIVER_QUEUE_MAX_DEFAULT = 1_000;
    /** Frames proton may send or accept; large enough for a whole default message in one transfer. */
    static final int MAX_FRAME_BYTES = 64 << 10;

    public AmqpSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxMessageBytes < 1 || linkCredit < 1 || receiverQueueMax < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static AmqpSettings defaults(String host, int port) {
        return new AmqpSettings(host, port, MAX_MESSAGE_BYTES_DEFAULT, LINK_CREDIT_DEFAULT,
                RECEIVER_QUEUE_MAX_DEFAULT, false);
    }
}
