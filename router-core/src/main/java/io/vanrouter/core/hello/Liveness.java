package io.vanrouter.core.hello;

/**
 * The hello and dead intervals of a link. An edge router announces its own in its HANDSHAKE and the interior router
 * it attaches to keeps them on that link, so that an operator can make thousands of idle edges cheap (a hello every
 * few seconds) without slowing down failure detection between interior routers.
 *
 * @param helloIntervalMillis how often a hello is sent on the link
 * @param deadIntervalMillis  a peer not heard for this long is lost
 */
public record Liveness(long helloIntervalMillis, long deadIntervalMillis) {

    /** The longest dead interval a peer may announce (one hour): a longer one would keep a dead edge attached. */
    public static final long DEAD_INTERVAL_MILLIS_MAX = 3_600_000L;

    /**
     * The intervals a peer announced, or null when it announced none (0, an older router) or nonsense (not
     * {@code 0 < hello < dead <= one hour}): the receiver then keeps its own.
     */
    public static Liveness announced(long helloIntervalMillis, long deadIntervalMillis) {
        if (helloIntervalMillis <= 0 || deadIntervalMillis <= helloIntervalMillis
                || deadIntervalMillis > DEAD_INTERVAL_MILLIS_MAX) {
            return null;
        }
        return new Liveness(helloIntervalMillis, deadIntervalMillis);
    }

    public Liveness {
        if (helloIntervalMillis <= 0 || deadIntervalMillis <= helloIntervalMillis) {
            throw new IllegalArgumentException("need 0 < helloIntervalMillis < deadIntervalMillis, got "
                    + helloIntervalMillis + " and " + deadIntervalMillis);
        }
    }
}
