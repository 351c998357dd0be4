package io.vanrouter.core;

import java.util.Objects;

/**
 * Validated settings of one router's core. Built by the daemon from YAML, or directly by tests.
 *
 * @param routerId               unique id of this router in its network
 * @param instance               boot id of this process; a restart must use a larger value (e.g. boot time in millis)
 * @param helloIntervalMillis    how often a hello is sent on every link
 * @param deadIntervalMillis     a neighbour not heard (two-way) for this long is declared lost
 * @param linkStateRefreshMillis how often this router re-originates its link state even if nothing changed
 * @param linkStateMaxAgeMillis  a remote record not refreshed for this long is removed
 * @param edge                   an edge router: it takes no part in link state, attaches to interior routers (its
 *                               uplinks) and sends everything not local through its active uplink
 */
public record CoreSettings(
        String routerId,
        long instance,
        long helloIntervalMillis,
        long deadIntervalMillis,
        long linkStateRefreshMillis,
        long linkStateMaxAgeMillis,
        boolean edge) {

    public static final long HELLO_INTERVAL_MILLIS_DEFAULT = 1_000;
    public static final long DEAD_INTERVAL_MILLIS_DEFAULT = 3_000;
    public static final long LINK_STATE_REFRESH_MILLIS_DEFAULT = 20_000;
    public static final long LINK_STATE_MAX_AGE_MILLIS_DEFAULT = 60_000;

    public CoreSettings {
        Objects.requireNonNull(routerId, "routerId");
        if (helloIntervalMillis <= 0 || deadIntervalMillis <= helloIntervalMillis) {
            throw new IllegalArgumentException("need 0 < helloIntervalMillis < deadIntervalMillis");
        }
        if (linkStateRefreshMillis <= 0 || linkStateMaxAgeMillis <= linkStateRefreshMillis) {
            throw new IllegalArgumentException("need 0 < linkStateRefreshMillis < linkStateMaxAgeMillis");
        }
    }

    /** An interior router's settings. */
    public CoreSettings(String routerId, long instance, long helloIntervalMillis, long deadIntervalMillis,
            long linkStateRefreshMillis, long linkStateMaxAgeMillis) {
        this(routerId, instance, helloIntervalMillis, deadIntervalMillis, linkStateRefreshMillis,
                linkStateMaxAgeMillis, false);
    }

    /** Settings with every interval at its default. */
    public static CoreSettings defaults(String routerId, long instance) {
        return new CoreSettings(routerId, instance, HELLO_INTERVAL_MILLIS_DEFAULT, DEAD_INTERVAL_MILLIS_DEFAULT,
                LINK_STATE_REFRESH_MILLIS_DEFAULT, LINK_STATE_MAX_AGE_MILLIS_DEFAULT);
    }

    public CoreSettings withHello(long helloMillis, long deadMillis) {
        return new CoreSettings(routerId, instance, helloMillis, deadMillis, linkStateRefreshMillis,
                linkStateMaxAgeMillis, edge);
    }

    /** These settings for an edge router ({@code true}) or an interior one. */
    public CoreSettings withEdge(boolean edgeMode) {
        return new CoreSettings(routerId, instance, helloIntervalMillis, deadIntervalMillis, linkStateRefreshMillis,
                linkStateMaxAgeMillis, edgeMode);
    }
}
